import { describe, expect, it } from 'vitest';
import { createOboCache } from './createOboCache.js';

describe('createOboCache', () => {
  it('keeps a token until the refresh margin, shares one exchange among concurrent callers, and evicts the oldest', async () => {
    let now = 1_000_000;
    const cache = createOboCache({ now: () => now, refreshMarginMs: 60_000, maxEntries: 2 });
    let exchanges = 0;
    const exchange = (token: string) => async () => {
      exchanges++;
      await new Promise((r) => setTimeout(r, 10));
      return { token, expiresAt: now + 120_000 };
    };
    const shared = await Promise.all([cache.get('a', exchange('t1')), cache.get('a', exchange('t2')), cache.get('a', exchange('t3'))]);
    expect(shared.map((t) => t.token)).toEqual(['t1', 't1', 't1']);
    expect(cache.stats()).toEqual({ hits: 0, misses: 3, exchanges: 1, joined: 2 });
    now += 59_000;
    expect((await cache.get('a', exchange('t4'))).token).toBe('t1');
    now += 2_000; // 59 s left: inside the 60 s margin
    expect((await cache.get('a', exchange('t5'))).token).toBe('t5');
    await cache.get('b', exchange('b1'));
    await cache.get('c', exchange('c1'));
    expect((await cache.get('a', exchange('t6'))).token).toBe('t6'); // 'a' was the oldest, evicted
    expect(exchanges).toBe(5);
  });

  it('does not remember a failure', async () => {
    const cache = createOboCache({ now: () => 0, refreshMarginMs: 0, maxEntries: 10 });
    await expect(cache.get('k', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(cache.get('k', async () => ({ token: 'ok', expiresAt: 10_000 }))).resolves.toMatchObject({ token: 'ok' });
  });
});
