import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { CausewayError, type ConnectionIdentity, type Logger, type QueryRequest, type ResultPart, type Row } from '@causeway/sdk';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/requireService.js';
import { createMysqlDataSource, type MysqlDataSource } from './createMysqlDataSource.js';
import type { MysqlSettings } from './mysqlSettings.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const limits = { maxConnections: 4, idleTimeoutMs: 30_000, connectTimeoutMs: 5000 };
const root: ConnectionIdentity = { kind: 'password', username: 'root', password: '' };
const never = (): AbortSignal => new AbortController().signal;

function request(text: string, overrides: Partial<QueryRequest> = {}): QueryRequest {
  return { text, parameters: [], signal: never(), deadline: undefined, batchRows: 1000, ...overrides };
}

async function collect(stream: AsyncIterable<ResultPart>): Promise<{ columns: ResultPart[]; rows: Row[] }> {
  const columns: ResultPart[] = [];
  const rows: Row[] = [];
  for await (const part of stream) {
    if (part.kind === 'schema') columns.push(part);
    else rows.push(...part.rows);
  }
  return { columns, rows };
}

async function failure(work: Promise<unknown>): Promise<CausewayError & { serverCode?: string }> {
  try {
    await work;
  } catch (error) {
    return error as CausewayError;
  }
  throw new Error('expected a failure');
}

async function listen(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function open(settings: Partial<MysqlSettings> = {}, limitOverrides: Partial<typeof limits> = {}): Promise<MysqlDataSource> {
  return createMysqlDataSource({ host: '127.0.0.1', database: 'test', ...settings }, { dataSourceId: 'mysql-test', limits: { ...limits, ...limitOverrides }, logger });
}

describe('createMysqlDataSource', () => {
  const suffix = randomBytes(4).toString('hex');
  const user = `cw_user_${suffix}`;
  const password = `Pw-${randomBytes(6).toString('hex')}`;
  const lockedOut = `cw_nodb_${suffix}`;
  const database = `cw_db_${suffix}`;
  let admin: mysql.Connection;
  let source: MysqlDataSource;

  beforeAll(async () => {
    await requireService('MariaDB', '127.0.0.1', 3306);
    admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await admin.query(`GRANT SELECT ON ${database}.* TO '${user}'@'%'`);
    await admin.query(`CREATE USER '${lockedOut}'@'%' IDENTIFIED BY '${password}'`);
    source = await open();
  });
  afterAll(async () => {
    await source?.close();
    await admin?.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await admin?.query(`DROP USER IF EXISTS '${lockedOut}'@'%'`);
    await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin?.end();
  });

  const running = async (tag: string): Promise<number> => {
    const [rows] = await admin.query({ sql: 'SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()', rowsAsArray: true }, [`%${tag}%`]);
    return Number((rows as unknown[][])[0]?.[0]);
  };

  it('does not connect until asked', async () => {
    let connections = 0;
    const { server, port } = await listen(() => (connections += 1));
    const lazy = await open({ port });
    expect(connections).toBe(0);
    expect(lazy.poolStats().pools).toBe(0);
    await lazy.close();
    server.close();
  });

  it('tests a connection with the server version and round trip time', async () => {
    const result = await source.testConnection(root, { signal: never() });
    expect(result.ok).toBe(true);
    expect(result.serverVersion).toMatch(/^\d+\.\d+\.\d+.*MariaDB/);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('sets up each session: UTC time zone, write timeout, and the statement limit', async () => {
    const { rows } = await collect(source.execute(request('SELECT @@session.time_zone, @@session.net_write_timeout, NOW(6) = UTC_TIMESTAMP(6), @@session.max_statement_time'), root));
    expect(rows).toEqual([['+00:00', 600n, 1, 0]]);
    const strict = await open({ statementTimeoutMs: 300, netWriteTimeoutSeconds: 45 });
    try {
      const started = Date.now();
      const error = await failure(collect(strict.execute(request('SELECT SLEEP(5)'), root)));
      expect(error).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '1969' });
      expect(Date.now() - started).toBeLessThan(4000);
      expect((await collect(strict.execute(request('SELECT @@session.net_write_timeout'), root))).rows).toEqual([[45n]]);
    } finally {
      await strict.close();
    }
  });

  it('returns TIMESTAMP as the UTC instant, whatever zone wrote it, and DATETIME as written', async () => {
    const table = `test.cw_times_${suffix}`;
    await admin.query(`CREATE TABLE ${table} (ts timestamp(6) null, dt datetime(2), d date)`);
    try {
      // Written from a session at +05:00 (and with zero dates, which must not fail).
      await admin.query("SET SESSION time_zone = '+05:00', sql_mode = ''");
      await admin.query(`INSERT INTO ${table} VALUES ('2024-01-01 05:00:00.5', '2024-03-10 02:30:00.25', '0000-00-00'), (NULL, '0000-00-00 00:00:00', '2024-02-29')`);
      const { columns, rows } = await collect(source.execute(request(`SELECT ts, dt, d FROM ${table} ORDER BY d`), root));
      expect(columns[0]).toMatchObject({ columns: [{ type: 'timestamptz', nativeType: 'timestamp' }, { type: 'timestamp', nativeType: 'datetime' }, { type: 'date' }] });
      expect(rows).toEqual([
        ['2024-01-01T00:00:00.5Z', '2024-03-10T02:30:00.25', '0000-00-00'],
        [null, '0000-00-00T00:00:00', '2024-02-29'],
      ]);
    } finally {
      await admin.query("SET SESSION time_zone = DEFAULT, sql_mode = DEFAULT");
      await admin.query(`DROP TABLE IF EXISTS ${table}`);
    }
  });

  it('binds parameters: bigint, unsigned max, decimal text, bytes with zero bytes, booleans, NULL, JSON', async () => {
    const bytes = new Uint8Array([0, 1, 0, 255]);
    const { rows } = await collect(
      source.execute(
        request('SELECT ? + 1, ?, CAST(? AS DECIMAL(65,30)), ?, ? IS TRUE, ?, JSON_EXTRACT(?, "$.a[1]"), ? = ?', {
          parameters: [9223372036854775806n, 18446744073709551615n, '-12345678901234567890123456789012345.123456789012345678901234567890', bytes, true, null, { a: [1, 'b'] }, 'x', 'x'],
        }),
        root,
      ),
    );
    expect(rows).toEqual([
      [9223372036854775807n, 18446744073709551615n, '-12345678901234567890123456789012345.123456789012345678901234567890', Buffer.from(bytes), 1, null, 'b', 1],
    ]);
  });

  it('reports a SQL error with its error number and SQLSTATE, and keeps going', async () => {
    const error = await failure(collect(source.execute(request('SELECT * FROM cw_missing_table_x9'), root)));
    expect(error).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '1146', details: { sqlState: '42S02' }, message: expect.stringContaining('cw_missing_table_x9') });
    expect((await collect(source.execute(request('SELECT 1'), root))).rows).toEqual([[1]]);
  });

  it('stops a query at its deadline with CW_QUERY_TIMEOUT and ends it on the server', async () => {
    const tag = `cw_deadline_${randomBytes(4).toString('hex')}`;
    const started = Date.now();
    const error = await failure(collect(source.execute(request(`SELECT SLEEP(30) /* ${tag} */`, { deadline: Date.now() + 500 }), root)));
    expect(error.code).toBe('CW_QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await running(tag)).toBe(0);
  });

  it('stops a query on cancel with CW_JOB_CANCELLED and ends it on the server', async () => {
    const tag = `cw_cancelled_${randomBytes(4).toString('hex')}`;
    const controller = new AbortController();
    const done = failure(collect(source.execute(request(`SELECT SLEEP(30) /* ${tag} */`, { signal: controller.signal }), root)));
    for (let i = 0; i < 400 && (await running(tag)) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await running(tag)).toBe(1);
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the client'));
    expect((await done).code).toBe('CW_JOB_CANCELLED');
    expect(await running(tag)).toBe(0);
  });

  it('refuses identities other than user and password', async () => {
    const token: ConnectionIdentity = { kind: 'access-token', token: 'opaque' };
    expect((await failure(collect(source.execute(request('SELECT 1'), token)))).code).toBe('CW_AUTH_MODE_UNSUPPORTED');
    expect((await failure(source.testConnection(token, { signal: never() }))).code).toBe('CW_AUTH_MODE_UNSUPPORTED');
  });

  it('logs on as another user with its password, and maps a wrong password to CW_AUTH_DENIED (1045) without the password', async () => {
    const own = await open({ database });
    try {
      const right: ConnectionIdentity = { kind: 'password', username: user, password };
      expect((await collect(own.execute(request('SELECT CURRENT_USER()'), right))).rows).toEqual([[`${user}@%`]]);
      const wrong: ConnectionIdentity = { kind: 'password', username: user, password: 'Wrong-Secret-4d1e' };
      const tested = await failure(own.testConnection(wrong, { signal: never() }));
      const queried = await failure(collect(own.execute(request('SELECT 1'), wrong)));
      for (const error of [tested, queried]) {
        expect(error).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '1045', message: expect.stringContaining(`"${user}"`) });
        expect(error.message).not.toContain('Wrong-Secret-4d1e');
        expect(JSON.stringify(error.details)).not.toContain('Wrong-Secret-4d1e');
      }
      // The refused identity's pool is gone; the right one's stays.
      expect(own.poolStats()).toMatchObject({ pools: 1, leased: 0 });
    } finally {
      await own.close();
    }
  });

  it('maps no access to the database (1044) to CW_AUTH_DENIED and an unknown database (1049) to CW_CONNECT_FAILED', async () => {
    const noAccess = await open({ database });
    const unknown = await open({ database: `cw_no_such_db_${suffix}` });
    try {
      const denied = await failure(collect(noAccess.execute(request('SELECT 1'), { kind: 'password', username: lockedOut, password })));
      expect(denied).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '1044' });
      expect(noAccess.poolStats().pools).toBe(0);
      const missing = await failure(unknown.testConnection(root, { signal: never() }));
      expect(missing).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: '1049', message: expect.stringContaining(`cw_no_such_db_${suffix}`) });
      expect(await failure(collect(unknown.execute(request('SELECT 1'), root)))).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: '1049' });
    } finally {
      await noAccess.close();
      await unknown.close();
    }
  });

  it('reports a refused connection on an unused port as CW_CONNECT_REFUSED naming host:port', async () => {
    const { server, port } = await listen(() => undefined);
    await new Promise((resolve) => server.close(resolve));
    const refused = await open({ port });
    try {
      expect(await failure(collect(refused.execute(request('SELECT 1'), root)))).toMatchObject({ code: 'CW_CONNECT_REFUSED', message: expect.stringContaining(`127.0.0.1:${port}`) });
      expect((await failure(refused.testConnection(root, { signal: never() }))).code).toBe('CW_CONNECT_REFUSED');
      expect(refused.poolStats().leased).toBe(0);
    } finally {
      await refused.close();
    }
  });

  it('gives up on a server that never answers after connectTimeoutMs', async () => {
    const sockets: Socket[] = [];
    const { server, port } = await listen((socket) => sockets.push(socket));
    const silent = await open({ port }, { connectTimeoutMs: 300 });
    try {
      const started = Date.now();
      expect(await failure(collect(silent.execute(request('SELECT 1'), root)))).toMatchObject({ code: 'CW_CONNECT_TIMEOUT', message: expect.stringContaining('timed out') });
      expect((await failure(silent.testConnection(root, { signal: never() }))).code).toBe('CW_CONNECT_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await silent.close();
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });

  it('never falls back to plain TCP when TLS is required', async () => {
    const [variables] = await admin.query({ sql: 'SELECT @@have_ssl', rowsAsArray: true });
    const tls = await open({ ssl: { mode: 'require' } });
    try {
      if ((variables as unknown[][])[0]?.[0] === 'YES') {
        // A server with TLS: the session is encrypted.
        const { rows } = await collect(tls.execute(request("SELECT VARIABLE_VALUE FROM information_schema.session_status WHERE VARIABLE_NAME = 'Ssl_cipher'"), root));
        expect(String(rows[0]?.[0] ?? '')).not.toBe('');
      } else {
        // The machines' MariaDB runs without TLS: both paths refuse with CW_TLS_FAILED.
        expect((await failure(tls.testConnection(root, { signal: never() }))).code).toBe('CW_TLS_FAILED');
        expect((await failure(collect(tls.execute(request('SELECT 1'), root)))).code).toBe('CW_TLS_FAILED');
      }
    } finally {
      await tls.close();
    }
  });

  it('returns tinyint(1) (BOOL) as a boolean, any non-zero value being true, or as int16 when told', async () => {
    const table = `test.cw_bool_${suffix}`;
    await admin.query(`CREATE TABLE ${table} (k int primary key, b bool)`);
    const numeric = await open({ tinyint1AsBoolean: false });
    try {
      await admin.query(`INSERT INTO ${table} VALUES (1, 0), (2, 1), (3, 2), (4, -1), (5, NULL)`);
      const asBoolean = await collect(source.execute(request(`SELECT b FROM ${table} ORDER BY k`), root));
      expect(asBoolean.columns[0]).toMatchObject({ columns: [{ name: 'b', type: 'boolean', nativeType: 'tinyint(1)' }] });
      expect(asBoolean.rows).toEqual([[false], [true], [true], [true], [null]]);
      const asInt = await collect(numeric.execute(request(`SELECT b FROM ${table} ORDER BY k`), root));
      expect(asInt.columns[0]).toMatchObject({ columns: [{ type: 'int16', nativeType: 'tinyint' }] });
      expect(asInt.rows).toEqual([[0], [1], [2], [-1], [null]]);
    } finally {
      await numeric.close();
      await admin.query(`DROP TABLE IF EXISTS ${table}`);
    }
  });

  it('runs concurrent queries within the connection limit, across identities', async () => {
    const capped = await open({ database }, { maxConnections: 2 });
    const other: ConnectionIdentity = { kind: 'password', username: user, password };
    try {
      let peak = 0;
      const watch = setInterval(() => (peak = Math.max(peak, capped.poolStats().leased)), 1);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => collect(capped.execute(request('SELECT seq, SLEEP(0.02) FROM seq_1_to_3'), i % 2 ? root : other))),
      );
      clearInterval(watch);
      for (const { rows } of results) expect(rows.map((row) => row[0])).toEqual([1n, 2n, 3n]);
      // The SDK caps sessions leased at once; idle ones of a busy identity may stay open beside them.
      expect(peak).toBe(2);
      expect(capped.poolStats()).toMatchObject({ pools: expect.any(Number), leased: 0 });
    } finally {
      await capped.close();
    }
  });

  it('on close, stops open streams, returns their sessions and ends every pool', async () => {
    const closing = await open();
    const stream = closing.execute(request('SELECT seq FROM seq_1_to_1000000', { batchRows: 100 }), root)[Symbol.asyncIterator]();
    await stream.next();
    await stream.next();
    expect(closing.poolStats()).toMatchObject({ pools: 1, leased: 1 });
    await closing.close();
    expect(closing.poolStats()).toEqual({ pools: 0, total: 0, idle: 0, leased: 0 });
    expect(await failure(stream.next())).toMatchObject({ code: 'CW_JOB_CANCELLED' });
    expect(await failure(collect(closing.execute(request('SELECT 1'), root)))).toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });
});
