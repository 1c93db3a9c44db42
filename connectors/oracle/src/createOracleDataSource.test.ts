import { CausewayError, type Logger, type PasswordIdentity, type QueryRequest, type ResultPart } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { createOracleDataSource } from './createOracleDataSource.js';
import { sessionSettingsSql } from './createSessionCallback.js';
import { loadOracleDriver } from './loadOracleDriver.js';
import type { OracleDriver } from './oracleDriver.js';
import type { OracleSettings } from './oracleSettings.js';
import { silentServer, unusedPort } from './testing/fakeNetwork.js';
import { counterColumn, createFakeOracleDriver, paddingColumn, type FakeServerOptions, type FakeStatement } from './testing/fakeOracleDriver.js';
import { oracledb, serverError } from './testing/oracledbInternals.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const limits = { maxConnections: 2, idleTimeoutMs: 30_000, connectTimeoutMs: 2000 };
const scott: PasswordIdentity = { kind: 'password', username: 'scott', password: 'tiger-secret' };
const ada: PasswordIdentity = { kind: 'password', username: 'ada', password: 'lovelace-secret' };
const settings: OracleSettings = { host: 'db.example', port: 1521, serviceName: 'FREEPDB1' };

function request(text: string, extra: Partial<QueryRequest> = {}): QueryRequest {
  return { text, parameters: [], signal: new AbortController().signal, deadline: undefined, batchRows: 100, ...extra };
}

async function collect(stream: AsyncIterable<ResultPart>): Promise<ResultPart[]> {
  const parts: ResultPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
}

const statements = (sql: string): FakeStatement => {
  if (sql.includes('v$version')) return { columns: [{ name: 'BANNER', dbType: oracledb.DB_TYPE_VARCHAR, value: () => 'Oracle Database 23ai Free Release 23.0.0.0.0' }], rows: 1 };
  if (sql.includes('sleep')) return { executeMs: Infinity };
  if (sql.startsWith('ALTER SESSION')) return {};
  return { columns: [counterColumn('N'), paddingColumn('PAD', 10)], rows: 250 };
};

async function open(server: Partial<FakeServerOptions> = {}, overrides: Partial<OracleSettings> = {}) {
  const driver = createFakeOracleDriver({ users: { scott: 'tiger-secret', ada: 'lovelace-secret' }, respond: statements, ...server });
  const source = await createOracleDataSource({ ...settings, ...overrides }, { dataSourceId: 'ora', limits, logger, driver });
  return { driver, source };
}

describe('createOracleDataSource over the fake driver', () => {
  it('gives each identity its own pool, logged on as that user, with the limits and the session set-up', async () => {
    const { driver, source } = await open();
    try {
      const parts = await collect(source.execute(request('select n from t', { batchRows: 100 }), scott));
      expect(parts.map((p) => (p.kind === 'rows' ? p.rows.length : p.kind))).toEqual(['schema', 100, 100, 50]);
      await collect(source.execute(request('select n from t'), ada));
      expect(driver.pools.map((p) => p.attributes)).toEqual([
        expect.objectContaining({ user: 'scott', password: 'tiger-secret', connectString: 'db.example:1521/FREEPDB1', poolMin: 0, poolMax: 2, poolTimeout: 30, queueTimeout: 2000, connectTimeout: 2 }),
        expect.objectContaining({ user: 'ada', connectString: 'db.example:1521/FREEPDB1' }),
      ]);
      expect(driver.executions.map((e) => [e.user, e.sql])).toEqual([
        ['scott', sessionSettingsSql],
        ['scott', 'select n from t'],
        ['ada', sessionSettingsSql],
        ['ada', 'select n from t'],
      ]);
      expect(source.poolStats()).toMatchObject({ pools: 2, total: 2, leased: 0 });
    } finally {
      await source.close();
    }
    expect(driver.openSessions()).toBe(0);
  });

  it('never leases more sessions than maxConnections across identities', async () => {
    const { driver, source } = await open();
    try {
      const stopFirst = new AbortController();
      const stopSecond = new AbortController();
      const first = collect(source.execute(request('select sleep 1', { signal: stopFirst.signal }), scott));
      const second = collect(source.execute(request('select sleep 2', { signal: stopSecond.signal }), ada));
      await until(() => driver.runningStatements('sleep') === 2);
      const third = collect(source.execute(request('select n from t'), scott));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(driver.executions.filter((e) => e.sql === 'select n from t')).toHaveLength(0);
      expect(source.poolStats().leased).toBe(2);
      stopFirst.abort(new CausewayError('CW_JOB_CANCELLED', 'stop'));
      await expect(first).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
      expect((await third).length).toBe(4);
      stopSecond.abort(new CausewayError('CW_JOB_CANCELLED', 'stop'));
      await expect(second).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    } finally {
      await source.close();
    }
  });

  it('refuses a wrong password with CW_AUTH_DENIED naming the user, in queries and tests, never the password', async () => {
    const { source } = await open();
    const wrong: PasswordIdentity = { kind: 'password', username: 'scott', password: 'not-the-password' };
    try {
      const failure = await collect(source.execute(request('select 1 from dual'), wrong)).catch((error: unknown) => error as CausewayError);
      expect(failure).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: 'ORA-01017', message: expect.stringContaining('user "scott"') });
      expect((failure as Error).message).not.toContain('not-the-password');
      expect(source.poolStats().pools).toBe(0);
      await expect(source.testConnection(wrong, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: 'ORA-01017' });
    } finally {
      await source.close();
    }
  });

  it('refuses an identity that is not a user name and password', async () => {
    const { source } = await open();
    try {
      await expect(collect(source.execute(request('select 1 from dual'), { kind: 'access-token', token: 't' }))).rejects.toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
      await expect(source.testConnection({ kind: 'saml', assertion: 'a' }, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
    } finally {
      await source.close();
    }
  });

  it('tests a connection with the v$version banner and the version, on a fresh standalone session', async () => {
    const { driver, source } = await open();
    try {
      const result = await source.testConnection(scott, { signal: new AbortController().signal });
      expect(result).toMatchObject({ ok: true, serverVersion: 'Oracle Database 23ai Free Release 23.0.0.0.0 (23.4.0.24.5)' });
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(driver.pools).toHaveLength(0);
      expect(driver.openSessions()).toBe(0);
    } finally {
      await source.close();
    }
  });

  it('falls back to SELECT 1 FROM DUAL when v$version is not readable', async () => {
    const { driver, source } = await open({
      respond: (sql) => (sql.includes('v$version') ? { error: () => serverError(942, 'table or view "SYS"."V$VERSION" does not exist', 19) } : { columns: [counterColumn('1', 1)], rows: 1 }),
    });
    try {
      expect(await source.testConnection(scott, { signal: new AbortController().signal })).toMatchObject({ ok: true, serverVersion: 'Oracle Database 23.4.0.24.5' });
      expect(driver.executions.map((e) => e.sql)).toEqual(["SELECT banner FROM v$version WHERE banner LIKE 'Oracle%'", 'SELECT 1 FROM DUAL']);
    } finally {
      await source.close();
    }
  });

  it('abandons a test connection whose logon is too slow when the signal aborts, and closes the late session', async () => {
    const { driver, source } = await open({ connectMs: 200 });
    try {
      const controller = new AbortController();
      const test = source.testConnection(scott, { signal: controller.signal });
      setTimeout(() => controller.abort(new CausewayError('CW_JOB_CANCELLED', 'stop')), 10);
      await expect(test).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
      await until(() => driver.stats.sessionsOpened === 1 && driver.openSessions() === 0);
      expect(driver.openSessions()).toBe(0);
    } finally {
      await source.close();
    }
  });

  it('stops a query at its deadline: the statement is broken on the server and the round trips have a call timeout backstop', async () => {
    const { driver, source } = await open({}, { statementTimeoutMs: 600_000 });
    try {
      const deadline = Date.now() + 80;
      await expect(collect(source.execute(request('select /* cw_deadline */ sleep', { deadline }), scott))).rejects.toMatchObject({ code: 'CW_QUERY_TIMEOUT' });
      expect(driver.stats.breaks).toBe(1);
      expect(driver.runningStatements('cw_deadline')).toBe(0);
      const last = driver.executions.at(-1);
      expect(last?.sql).toContain('cw_deadline');
      // Time to the deadline plus the grace (connectTimeoutMs), well under the statement timeout.
      expect(last?.callTimeout).toBeGreaterThan(limits.connectTimeoutMs);
      expect(last?.callTimeout).toBeLessThanOrEqual(80 + limits.connectTimeoutMs);
      await until(() => source.poolStats().leased === 0);
      expect(source.poolStats()).toMatchObject({ total: 1, idle: 1, leased: 0 });
    } finally {
      await source.close();
    }
  });

  it('applies statementTimeoutMs as the call timeout of every round trip', async () => {
    const { driver, source } = await open({}, { statementTimeoutMs: 40 });
    try {
      await expect(collect(source.execute(request('select sleep'), scott))).rejects.toMatchObject({ code: 'CW_QUERY_TIMEOUT', serverCode: 'NJS-123' });
      expect(driver.executions.at(-1)?.callTimeout).toBe(40);
    } finally {
      await source.close();
    }
  });

  it('cancels running queries and closes every session when closed', async () => {
    const { driver, source } = await open();
    const iterator = source.execute(request('select /* cw_close */ sleep'), scott)[Symbol.asyncIterator]();
    const pending = iterator.next();
    await until(() => driver.runningStatements('cw_close') === 1);
    await source.close();
    await expect(pending).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED', message: expect.stringContaining('db.example:1521') });
    await until(() => driver.openSessions() === 0);
    expect(driver.openSessions()).toBe(0);
    await expect(collect(source.execute(request('select n from t'), scott))).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });
});

describe('createOracleDataSource over the real driver with no Oracle server', () => {
  async function openReal(driver: OracleDriver, host: string, port: number, connectTimeoutMs = 2000) {
    return createOracleDataSource({ host, port, serviceName: 'FREEPDB1' }, { dataSourceId: 'real', limits: { ...limits, connectTimeoutMs }, logger, driver });
  }

  it('reports an unused port as CW_CONNECT_REFUSED for queries and tests, and frees the slot', async () => {
    const driver = await loadOracleDriver(logger);
    const port = await unusedPort();
    const source = await openReal(driver, '127.0.0.1', port);
    try {
      const started = Date.now();
      await expect(collect(source.execute(request('select 1 from dual'), scott))).rejects.toMatchObject({ code: 'CW_CONNECT_REFUSED', message: expect.stringContaining(`127.0.0.1:${port}`) });
      await expect(source.testConnection(scott, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'CW_CONNECT_REFUSED' });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(source.poolStats().leased).toBe(0);
    } finally {
      await source.close();
    }
  });

  it('reports an unknown host as CW_HOST_NOT_FOUND', async () => {
    const driver = await loadOracleDriver(logger);
    const source = await openReal(driver, 'cw-no-such-host.invalid', 1521);
    try {
      await expect(source.testConnection(scott, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'CW_HOST_NOT_FOUND' });
      await expect(collect(source.execute(request('select 1 from dual'), scott))).rejects.toMatchObject({ code: 'CW_HOST_NOT_FOUND' });
    } finally {
      await source.close();
    }
  });

  it('reports a listener that never answers as CW_CONNECT_TIMEOUT within the connect timeout', async () => {
    const driver = await loadOracleDriver(logger);
    const server = await silentServer();
    const source = await openReal(driver, '127.0.0.1', server.port, 1000);
    try {
      const started = Date.now();
      await expect(collect(source.execute(request('select 1 from dual'), scott))).rejects.toMatchObject({ code: 'CW_CONNECT_TIMEOUT' });
      await expect(source.testConnection(scott, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'CW_CONNECT_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await source.close();
      await server.close();
    }
  });
});
