import type { Logger, PasswordIdentity } from '@causeway/sdk';
import { createIdentityPools } from '@causeway/sdk/connectors';
import { describe, expect, it } from 'vitest';
import { isOracleAuthFailure } from './mapOracleError.js';
import type { OracleConnection, OraclePool } from './oracleDriver.js';
import { oracleSessionPool } from './oracleSessionPool.js';
import { createFakeOracleDriver } from './testing/fakeOracleDriver.js';

const warnings: string[] = [];
const logger: Logger = { trace() {}, debug() {}, info() {}, warn: (_o: unknown, message?: string) => void warnings.push(String(message)), error() {}, child: () => logger };
const never = new AbortController().signal;
const scott: PasswordIdentity = { kind: 'password', username: 'scott', password: 'tiger' };
const ada: PasswordIdentity = { kind: 'password', username: 'ada', password: 'lovelace' };

function setup(limits = { maxConnections: 4, idleTimeoutMs: 60_000, connectTimeoutMs: 1000 }) {
  const driver = createFakeOracleDriver({ users: { scott: 'tiger', ada: 'lovelace' }, respond: () => ({}) });
  const pools = createIdentityPools<PasswordIdentity, OracleConnection>({
    limits,
    logger,
    product: 'Oracle',
    isAuthFailure: isOracleAuthFailure,
    createPool: (identity) =>
      oracleSessionPool(
        driver.createPool({
          user: identity.username,
          password: identity.password,
          connectString: 'db:1521/S',
          poolMin: 0,
          poolMax: limits.maxConnections,
          poolIncrement: 1,
          poolTimeout: 60,
          queueTimeout: limits.connectTimeoutMs,
        }),
        logger,
        1000,
      ),
  });
  return { driver, pools };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('oracleSessionPool under createIdentityPools', () => {
  it('gives each identity its own oracledb pool logged on as that user, and reuses released sessions', async () => {
    const { driver, pools } = setup();
    try {
      const a = await pools.acquire(scott, never);
      const b = await pools.acquire(ada, never);
      expect(driver.pools.map((p) => p.attributes.user)).toEqual(['scott', 'ada']);
      a.release(false);
      b.release(false);
      await settle();
      expect(pools.stats()).toEqual({ pools: 2, total: 2, idle: 2, leased: 0 });
      const again = await pools.acquire(scott, never);
      expect(again.session).toBe(a.session);
      expect(driver.stats.sessionsOpened).toBe(2);
      again.release(false);
    } finally {
      await pools.close();
    }
    expect(driver.pools.every((p) => p.pool.closed)).toBe(true);
    expect(driver.openSessions()).toBe(0);
  });

  it('drops a discarded session instead of pooling it', async () => {
    const { driver, pools } = setup();
    try {
      const lease = await pools.acquire(scott, never);
      lease.release(true);
      await settle();
      expect(driver.stats.sessionsDropped).toBe(1);
      expect(pools.stats().total).toBe(0);
    } finally {
      await pools.close();
    }
  });

  it('rejects a refused logon with ORA-01017 and drops that identity pool', async () => {
    const { driver, pools } = setup();
    try {
      await expect(pools.acquire({ kind: 'password', username: 'scott', password: 'wrong' }, never)).rejects.toMatchObject({ code: 'ORA-01017' });
      expect(pools.stats().pools).toBe(0);
      await settle();
      expect(driver.pools[0]?.pool.closed).toBe(true);
    } finally {
      await pools.close();
    }
  });

  it('logs, not throws, when returning a session fails', async () => {
    const { pools } = setup();
    const lease = await pools.acquire(scott, never);
    await pools.close();
    warnings.length = 0;
    lease.release(false);
    await settle();
    expect(warnings).toContain('returning an Oracle session to its pool failed');
  });

  it('fails acquires with the error of a pool that could not be created, and ends it quietly', async () => {
    const failed = oracleSessionPool(Promise.reject(new Error('NJS-007: invalid value for "poolMax"')), logger, 1000);
    await expect(failed.acquire()).rejects.toThrow('NJS-007');
    await expect(failed.end()).resolves.toBeUndefined();
    expect(failed.total).toBe(0);
  });

  it('stops waiting for a pool that does not close in time', async () => {
    const stuck: OraclePool = { getConnection: () => new Promise(() => undefined), close: () => new Promise(() => undefined), connectionsOpen: 0, connectionsInUse: 0 };
    warnings.length = 0;
    await oracleSessionPool(Promise.resolve(stuck), logger, 20).end();
    expect(warnings).toContain('an Oracle pool did not close in time; leaving its sessions to the driver');
  });
});
