import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import type { PasswordIdentity } from '../identity.js';
import { createIdentityPools, type SessionPool } from './createIdentityPools.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const never = new AbortController().signal;
const ada: PasswordIdentity = { kind: 'password', username: 'ada', password: 'pw-a' };
const bob: PasswordIdentity = { kind: 'password', username: 'bob', password: 'pw-b' };

interface FakeSession {
  user: string;
  id: number;
}

// A driver pool stand-in that records what the identity pools do with it.
function fakeDriver(options: { refuse?: Set<string> } = {}) {
  const pools: Array<SessionPool<FakeSession> & { user: string; ended: boolean; discarded: number }> = [];
  let nextId = 1;
  return {
    pools,
    createPool(identity: PasswordIdentity) {
      const idle: FakeSession[] = [];
      let leased = 0;
      const pool = {
        user: identity.username,
        ended: false,
        discarded: 0,
        async acquire() {
          if (options.refuse?.has(identity.username)) throw Object.assign(new Error('password authentication failed'), { auth: true });
          leased += 1;
          return idle.pop() ?? { user: identity.username, id: nextId++ };
        },
        release(session: FakeSession, discard: boolean) {
          leased -= 1;
          if (discard) pool.discarded += 1;
          else idle.push(session);
        },
        async end() {
          pool.ended = true;
          idle.length = 0;
        },
        get total() {
          return idle.length + leased;
        },
        get idle() {
          return idle.length;
        },
      };
      pools.push(pool);
      return pool;
    },
  };
}

function limits(maxConnections: number, idleTimeoutMs = 60_000) {
  return { maxConnections, idleTimeoutMs, connectTimeoutMs: 1000 };
}

describe('createIdentityPools', () => {
  it('keeps one pool per identity and reuses released sessions', async () => {
    const driver = fakeDriver();
    const pools = createIdentityPools({ limits: limits(4), logger, product: 'Fake', createPool: (i: PasswordIdentity) => driver.createPool(i) });
    const a = await pools.acquire(ada, never);
    const b = await pools.acquire(bob, never);
    expect([a.session.user, b.session.user]).toEqual(['ada', 'bob']);
    a.release(false);
    const again = await pools.acquire({ ...ada }, never);
    expect(again.session.id).toBe(a.session.id);
    expect(driver.pools).toHaveLength(2);
    // A changed password is another identity: another pool.
    const changed = await pools.acquire({ ...ada, password: 'new' }, never);
    expect(driver.pools).toHaveLength(3);
    again.release(false);
    b.release(true);
    changed.release(false);
    expect(driver.pools[1]?.discarded).toBe(1);
    await pools.close();
    expect(driver.pools.every((p) => p.ended)).toBe(true);
    await expect(pools.acquire(ada, never)).rejects.toMatchObject({ code: 'CW_SHUTTING_DOWN' });
  });

  it('caps leased sessions across identities and serves waiters in order; an aborted waiter leaves the queue', async () => {
    const driver = fakeDriver();
    const pools = createIdentityPools({ limits: limits(1), logger, product: 'Fake', createPool: (i: PasswordIdentity) => driver.createPool(i) });
    const first = await pools.acquire(ada, never);
    const controller = new AbortController();
    const aborted = pools.acquire(bob, controller.signal);
    const waiting = pools.acquire(bob, never);
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect(pools.stats().leased).toBe(1);
    first.release(false);
    const second = await waiting;
    expect(second.session.user).toBe('bob');
    // Making room: ada's wholly idle pool was ended so bob's new session keeps the data source at its limit.
    expect(driver.pools[0]?.ended).toBe(true);
    second.release(false);
    expect(pools.stats()).toMatchObject({ leased: 0 });
    await pools.close();
  });

  it('drops the pool of an identity the server refused, and evicts idle pools after the idle timeout', async () => {
    const driver = fakeDriver({ refuse: new Set(['bob']) });
    const pools = createIdentityPools({
      limits: limits(4, 50),
      logger,
      product: 'Fake',
      createPool: (i: PasswordIdentity) => driver.createPool(i),
      isAuthFailure: (error) => (error as { auth?: boolean }).auth === true,
    });
    await expect(pools.acquire(bob, never)).rejects.toThrow('password authentication failed');
    expect(driver.pools[0]?.ended).toBe(true);
    expect(pools.stats()).toEqual({ pools: 0, total: 0, idle: 0, leased: 0 });
    const lease = await pools.acquire(ada, never);
    lease.release(false);
    lease.release(false); // a second release is ignored
    expect(pools.stats()).toEqual({ pools: 1, total: 1, idle: 1, leased: 0 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(pools.stats().pools).toBe(0);
    expect(driver.pools[1]?.ended).toBe(true);
    await pools.close();
  });
});
