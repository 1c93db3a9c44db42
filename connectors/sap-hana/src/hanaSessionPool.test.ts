import { describe, expect, it } from 'vitest';
import { hanaSessionPool, type HanaSessionPoolOptions } from './hanaSessionPool.js';
import type { HanaSession } from './openHanaSession.js';
import { createTestLogger } from './testing/testLogger.js';

interface Probe {
  opened: HanaSession[];
  closed: Array<{ session: HanaSession; graceful: boolean }>;
  failNext: unknown[];
}

function fakeSession(): HanaSession {
  const client = { readyState: 'connected' } as { readyState: string };
  return { client: client as unknown as HanaSession['client'], broken: false };
}

function pool(overrides: Partial<HanaSessionPoolOptions> = {}): { probe: Probe; pool: ReturnType<typeof hanaSessionPool> } {
  const probe: Probe = { opened: [], closed: [], failNext: [] };
  return {
    probe,
    pool: hanaSessionPool({
      open: async () => {
        const failure = probe.failNext.shift();
        if (failure) throw failure;
        const session = fakeSession();
        probe.opened.push(session);
        return session;
      },
      close: async (session, graceful) => {
        probe.closed.push({ session, graceful });
        (session.client as unknown as { readyState: string }).readyState = 'closed';
      },
      maxSessions: 2,
      keepIdle: true,
      idleTimeoutMs: 60_000,
      logger: createTestLogger(),
      ...overrides,
    }),
  };
}

describe('hanaSessionPool', () => {
  it('reuses an idle session and opens another only when none is idle', async () => {
    const { probe, pool: p } = pool();
    const a = await p.acquire();
    p.release(a, false);
    expect(p.idle).toBe(1);
    expect(await p.acquire()).toBe(a);
    const b = await p.acquire();
    expect(b).not.toBe(a);
    expect(probe.opened).toHaveLength(2);
    expect(p.total).toBe(2);
  });

  it('makes acquires wait beyond maxSessions and hands a released session to the first waiter', async () => {
    const { probe, pool: p } = pool();
    const a = await p.acquire();
    await p.acquire();
    let third: HanaSession | undefined;
    const waiting = p.acquire().then((s) => (third = s));
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBeUndefined();
    p.release(a, false);
    await waiting;
    expect(third).toBe(a);
    expect(probe.opened).toHaveLength(2);
  });

  it('discards a session on release(discard) or when it broke, and never hands out a dead idle one', async () => {
    const { probe, pool: p } = pool();
    const a = await p.acquire();
    p.release(a, true);
    expect(probe.closed).toEqual([{ session: a, graceful: false }]);
    expect(p.total).toBe(0);
    const b = await p.acquire();
    p.release(b, false);
    b.broken = true;
    const c = await p.acquire();
    expect(c).not.toBe(b);
    expect(probe.closed.map((x) => x.session)).toContain(b);
    expect(p.total).toBe(1);
  });

  it('opens a fresh session for a waiter when the released one is discarded', async () => {
    const { probe, pool: p } = pool({ maxSessions: 1 });
    const a = await p.acquire();
    const waiting = p.acquire();
    p.release(a, true);
    const b = await waiting;
    expect(b).not.toBe(a);
    expect(probe.opened).toHaveLength(2);
    expect(p.total).toBe(1);
  });

  it('without keepIdle (SAML), ends a released session no one waits for', async () => {
    const { probe, pool: p } = pool({ keepIdle: false, maxSessions: 1 });
    const a = await p.acquire();
    const waiting = p.acquire();
    p.release(a, false);
    expect(await waiting).toBe(a);
    p.release(a, false);
    expect(probe.closed).toEqual([{ session: a, graceful: true }]);
    expect(p.total).toBe(0);
    expect(p.idle).toBe(0);
  });

  it('passes an opening failure to its acquirer and frees the place', async () => {
    const { probe, pool: p } = pool({ maxSessions: 1 });
    probe.failNext.push(Object.assign(new Error('authentication failed'), { code: 10 }));
    await expect(p.acquire()).rejects.toMatchObject({ code: 10 });
    expect(p.total).toBe(0);
    expect(await p.acquire()).toBe(probe.opened[0]);
  });

  it('ends idle sessions after idleTimeoutMs', async () => {
    const { probe, pool: p } = pool({ idleTimeoutMs: 30 });
    const a = await p.acquire();
    p.release(a, false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(probe.closed).toEqual([{ session: a, graceful: true }]);
    expect(p.idle).toBe(0);
    expect(p.total).toBe(0);
  });

  it('end() closes idle sessions, fails waiters and discards sessions released later', async () => {
    const { probe, pool: p } = pool({ maxSessions: 2 });
    const a = await p.acquire();
    const b = await p.acquire();
    p.release(b, false);
    await p.acquire();
    const waiting = p.acquire();
    await p.end();
    await expect(waiting).rejects.toThrow(/ended/);
    p.release(a, false);
    expect(probe.closed.find((x) => x.session === a)).toEqual({ session: a, graceful: false });
    await expect(p.acquire()).rejects.toThrow(/ended/);

    const other = pool();
    const idle = await other.pool.acquire();
    other.pool.release(idle, false);
    await other.pool.end();
    expect(other.probe.closed).toEqual([{ session: idle, graceful: true }]);
    expect(other.pool.total).toBe(0);
  });
});
