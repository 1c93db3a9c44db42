import { describe, expect, it } from 'vitest';
import { createTtlCache } from './createTtlCache.js';

function fakeClock() {
  const clock = { t: 1_000, now: () => clock.t };
  return clock;
}

describe('createTtlCache', () => {
  it('returns a value until its TTL has passed', () => {
    const clock = fakeClock();
    const cache = createTtlCache<string>({ maxEntries: 10, clock });
    cache.set('a', 'A', 100);
    clock.t += 99;
    expect(cache.get('a')).toBe('A');
    clock.t += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('each entry has its own TTL', () => {
    const clock = fakeClock();
    const cache = createTtlCache<string>({ maxEntries: 10, clock });
    cache.set('found', 'x', 1_000);
    cache.set('missing', 'none', 10);
    clock.t += 50;
    expect(cache.get('missing')).toBeUndefined();
    expect(cache.get('found')).toBe('x');
  });

  it('evicts the least recently used entry when full', () => {
    const cache = createTtlCache<number>({ maxEntries: 2, clock: fakeClock() });
    cache.set('a', 1, 1_000);
    cache.set('b', 2, 1_000);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3, 1_000);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('overwriting a key replaces value and TTL', () => {
    const clock = fakeClock();
    const cache = createTtlCache<number>({ maxEntries: 2, clock });
    cache.set('a', 1, 10);
    cache.set('a', 2, 1_000);
    clock.t += 500;
    expect(cache.get('a')).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('stores nothing with a TTL of 0 or a size of 0', () => {
    const cache = createTtlCache<number>({ maxEntries: 5, clock: fakeClock() });
    cache.set('a', 1, 0);
    expect(cache.get('a')).toBeUndefined();
    const none = createTtlCache<number>({ maxEntries: 0, clock: fakeClock() });
    none.set('a', 1, 1_000);
    expect(none.get('a')).toBeUndefined();
  });

  it('clear empties it', () => {
    const cache = createTtlCache<number>({ maxEntries: 5, clock: fakeClock() });
    cache.set('a', 1, 1_000);
    cache.clear();
    expect(cache.get('a')).toBeUndefined();
  });
});
