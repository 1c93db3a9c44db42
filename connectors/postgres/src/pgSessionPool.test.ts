import { randomBytes } from 'node:crypto';
import type { Logger, PasswordIdentity } from '@causeway/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityPools } from '@causeway/sdk/connectors';
import { isPgAuthFailure, pgSessionPool } from './pgSessionPool.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const role = `cw_pools_${randomBytes(4).toString('hex')}`;
const postgres: PasswordIdentity = { kind: 'password', username: 'postgres', password: 'any' };
const other: PasswordIdentity = { kind: 'password', username: role, password: 'secret' };
const never = new AbortController().signal;

function pools(limits = { maxConnections: 4, idleTimeoutMs: 60_000, connectTimeoutMs: 5000 }) {
  return createIdentityPools<PasswordIdentity, pg.PoolClient>({
    limits,
    logger,
    product: 'PostgreSQL',
    isAuthFailure: isPgAuthFailure,
    createPool: (identity) =>
      pgSessionPool(
        new pg.Pool({ host: '127.0.0.1', database: 'test', user: identity.username, password: identity.password, max: limits.maxConnections, allowExitOnIdle: true }),
        logger,
      ),
  });
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('createIdentityPools over pgSessionPool', () => {
  const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create role ${role} login password 'secret'`);
  });
  afterAll(async () => {
    await admin.query(`drop role if exists ${role}`);
    await admin.end();
  });

  it('gives each identity its own pool and sessions logged on as that user', async () => {
    const p = pools();
    try {
      const a = await p.acquire(postgres, never);
      const b = await p.acquire(other, never);
      expect((await a.session.query('select current_user as u')).rows[0].u).toBe('postgres');
      expect((await b.session.query('select current_user as u')).rows[0].u).toBe(role);
      a.release(false);
      b.release(false);
      expect(p.stats()).toEqual({ pools: 2, total: 2, idle: 2, leased: 0 });
      const again = await p.acquire(other, never);
      expect((await again.session.query('select current_user as u')).rows[0].u).toBe(role);
      expect(p.stats().total).toBe(2);
      again.release(false);
    } finally {
      await p.close();
    }
  });

  it('closes a discarded session instead of pooling it', async () => {
    const p = pools();
    try {
      const lease = await p.acquire(postgres, never);
      lease.release(true);
      lease.release(true);
      await until(() => p.stats().total === 0);
      expect(p.stats()).toMatchObject({ total: 0, leased: 0 });
    } finally {
      await p.close();
    }
  });

  it('caps leased sessions across identities and lets a waiting caller give up', async () => {
    const p = pools({ maxConnections: 2, idleTimeoutMs: 60_000, connectTimeoutMs: 5000 });
    try {
      const a = await p.acquire(postgres, never);
      const b = await p.acquire(other, never);
      const controller = new AbortController();
      const gaveUp = p.acquire(postgres, controller.signal);
      const waiting = p.acquire(other, never);
      controller.abort(new Error('job cancelled'));
      await expect(gaveUp).rejects.toThrow('job cancelled');
      let served = false;
      void waiting.then(() => (served = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(served).toBe(false);
      a.release(false);
      const c = await waiting;
      expect(p.stats().leased).toBe(2);
      b.release(false);
      c.release(false);
    } finally {
      await p.close();
    }
  });

  it('ends an idle pool of another identity to stay within the limit', async () => {
    const p = pools({ maxConnections: 1, idleTimeoutMs: 60_000, connectTimeoutMs: 5000 });
    try {
      (await p.acquire(postgres, never)).release(false);
      expect(p.stats()).toMatchObject({ pools: 1, total: 1 });
      const b = await p.acquire(other, never);
      expect(p.stats()).toMatchObject({ pools: 1, total: 1, leased: 1 });
      b.release(false);
    } finally {
      await p.close();
    }
  });

  it('evicts a pool unused for idleTimeoutMs', async () => {
    const p = pools({ maxConnections: 2, idleTimeoutMs: 100, connectTimeoutMs: 5000 });
    try {
      (await p.acquire(postgres, never)).release(false);
      expect(p.stats().pools).toBe(1);
      await until(() => p.stats().pools === 0);
      expect(p.stats()).toEqual({ pools: 0, total: 0, idle: 0, leased: 0 });
    } finally {
      await p.close();
    }
  });

  it('drops the pool of a refused login without touching other identities', async () => {
    const p = pools();
    try {
      const good = await p.acquire(postgres, never);
      const refused = { kind: 'password' as const, username: `${role}_missing`, password: 'wrong' };
      await expect(p.acquire(refused, never)).rejects.toMatchObject({ code: '28000' });
      expect(p.stats()).toMatchObject({ pools: 1, leased: 1 });
      expect((await good.session.query('select 1 as one')).rows[0].one).toBe(1);
      good.release(false);
    } finally {
      await p.close();
    }
  });

  it('refuses new leases once closed', async () => {
    const p = pools();
    (await p.acquire(postgres, never)).release(false);
    await p.close();
    await expect(p.acquire(postgres, never)).rejects.toMatchObject({ code: 'CW_SHUTTING_DOWN' });
    expect(p.stats().pools).toBe(0);
  });
});
