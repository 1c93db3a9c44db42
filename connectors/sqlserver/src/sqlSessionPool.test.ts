import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@causeway/sdk';
import { createIdentityPools } from '@causeway/sdk/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTdsServer, type TdsServer } from '../../../test/fixtures/tds/index.js';
import { createConnectionConfig, type SqlServerIdentity } from './createConnectionConfig.js';
import { loadTedious } from './loadTedious.js';
import { isLoginRefused } from './mapSqlServerError.js';
import { openSession, type SqlSession } from './openSession.js';
import { sqlSessionPool } from './sqlSessionPool.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const { tedious } = loadTedious();
const ada: SqlServerIdentity = { kind: 'password', username: 'ada', password: 'pw' };
const bob: SqlServerIdentity = { kind: 'password', username: 'bob', password: 'pw2' };
const limits = { maxConnections: 4, idleTimeoutMs: 60_000, connectTimeoutMs: 5000 };

function scalar(session: SqlSession, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let value: unknown;
    const request = new tedious.Request(sql, (error) => (error ? reject(error) : resolve(value)));
    request.on('row', (columns: Array<{ value: unknown }>) => (value = columns[0]?.value));
    session.connection.execSqlBatch(request);
  });
}

describe('sqlSessionPool against the TDS fixture', () => {
  let server: TdsServer;
  let configFor: Awaited<ReturnType<typeof createConnectionConfig>>;

  beforeAll(async () => {
    server = await startTdsServer({ users: { ada: 'pw', bob: 'pw2' } });
    configFor = await createConnectionConfig({ server: '127.0.0.1', port: server.port, database: 'test', encrypt: false }, limits);
  });
  afterAll(async () => {
    await server.close();
  });

  const pool = (identity: SqlServerIdentity = ada, max = 2, idleTimeoutMs = 60_000) => sqlSessionPool({ open: () => openSession(tedious, configFor(identity), logger), max, idleTimeoutMs, logger });

  it('connects only when asked, reuses a released session and resets it on its next request', async () => {
    const before = server.logins.length;
    const p = pool();
    expect([p.total, p.idle, server.logins.length]).toEqual([0, 0, before]);
    const first = await p.acquire();
    const spid = await scalar(first, 'SELECT @@SPID');
    p.release(first, false);
    expect([p.total, p.idle]).toEqual([1, 1]);
    const resets = server.resets;
    const second = await p.acquire();
    expect(second).toBe(first);
    expect(await scalar(second, 'SELECT @@SPID')).toBe(spid);
    // The request after a release carries the reset-connection flag (sp_reset_connection), once.
    expect(server.resets).toBe(resets + 1);
    await scalar(second, 'SELECT 1');
    expect(server.resets).toBe(resets + 1);
    p.release(second, false);
    await p.end();
    expect(p.total).toBe(0);
  });

  it('closes a discarded session and never reuses a broken one', async () => {
    const p = pool();
    const a = await p.acquire();
    const spidA = await scalar(a, 'SELECT @@SPID');
    p.release(a, true);
    expect(p.total).toBe(0);
    await expect.poll(() => a.broken).toBe(true);
    const b = await p.acquire();
    expect(await scalar(b, 'SELECT @@SPID')).not.toBe(spidA);
    p.release(b, false);
    server.dropConnections();
    await expect.poll(() => b.broken).toBe(true);
    const c = await p.acquire();
    expect(c).not.toBe(b);
    expect(await scalar(c, 'SELECT 1')).toBe(1);
    p.release(c, false);
    await p.end();
  });

  it('holds at most max sessions; a waiter gets the next one given back', async () => {
    const p = pool(ada, 1);
    const a = await p.acquire();
    let waited: SqlSession | undefined;
    const waiting = p.acquire().then((s) => (waited = s));
    await sleep(50);
    expect(waited).toBeUndefined();
    expect(p.total).toBe(1);
    p.release(a, false);
    await waiting;
    expect(waited).toBe(a);
    p.release(a, true);
    await p.end();
  });

  it('closes idle sessions after the idle timeout and rejects waiters when ended', async () => {
    const p = pool(ada, 1, 100);
    const a = await p.acquire();
    p.release(a, false);
    await expect.poll(() => p.total).toBe(0);
    const b = await p.acquire();
    const waiting = p.acquire();
    await p.end();
    await expect(waiting).rejects.toThrow(/closed/);
    await expect.poll(() => b.broken).toBe(true);
    await expect(p.acquire()).rejects.toThrow(/closed/);
  });

  it('keeps identities apart under createIdentityPools and drops a pool whose login is refused', async () => {
    const pools = createIdentityPools<SqlServerIdentity, SqlSession>({ limits, logger, product: 'SQL Server', isAuthFailure: isLoginRefused, createPool: (identity) => pool(identity) });
    const never = new AbortController().signal;
    try {
      const a = await pools.acquire(ada, never);
      const b = await pools.acquire(bob, never);
      expect(await scalar(a.session, 'SELECT SUSER_NAME()')).toBe('ada');
      expect(await scalar(b.session, 'SELECT SUSER_NAME()')).toBe('bob');
      a.release(false);
      b.release(false);
      expect(pools.stats()).toEqual({ pools: 2, total: 2, idle: 2, leased: 0 });
      await expect(pools.acquire({ kind: 'password', username: 'ada', password: 'wrong' }, never)).rejects.toMatchObject({ serverErrors: [{ number: 18456 }] });
      expect(pools.stats().pools).toBe(2);
    } finally {
      await pools.close();
    }
  });
});
