import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorError, type ConnectionIdentity, type Logger, type QueryRequest, type ResultPart, type Row } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, startTdsServer, type SelfSignedCertificate, type TdsServer } from '../../../test/fixtures/tds/index.js';
import { createSqlServerDataSource, type SqlServerDataSource } from './createSqlServerDataSource.js';
import type { SqlServerSettings } from './sqlServerSettings.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const limits = { maxConnections: 4, idleTimeoutMs: 30_000, connectTimeoutMs: 5000 };
const password = 'S3cret-pässword!';
const token = 'eyJhbGciOiJSUzI1NiJ9.payload.signature-fixture';
const ada: ConnectionIdentity = { kind: 'password', username: 'ada', password };
const never = (): AbortSignal => new AbortController().signal;

function request(text: string, overrides: Partial<QueryRequest> = {}): QueryRequest {
  return { text, parameters: [], signal: never(), deadline: undefined, batchRows: 1000, ...overrides };
}

async function collect(stream: AsyncIterable<ResultPart>): Promise<{ schemas: ResultPart[]; rows: Row[] }> {
  const schemas: ResultPart[] = [];
  const rows: Row[] = [];
  for await (const part of stream) {
    if (part.kind === 'schema') schemas.push(part);
    else rows.push(...part.rows);
  }
  return { schemas, rows };
}

function expectNoSecret(error: unknown): void {
  const text = `${(error as Error).message} ${JSON.stringify((error as { details?: unknown }).details ?? {})}`;
  expect(text).not.toContain(password);
  expect(text).not.toContain(token);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('createSqlServerDataSource against the TDS fixture', () => {
  let server: TdsServer;
  let source: SqlServerDataSource;
  const open = (overrides: Partial<SqlServerSettings> = {}, at: TdsServer = server): Promise<SqlServerDataSource> =>
    createSqlServerDataSource({ server: '127.0.0.1', port: at.port, database: 'sales', encrypt: false, ...overrides }, { dataSourceId: 'mssql-test', limits, logger });

  beforeAll(async () => {
    server = await startTdsServer({ users: { ada: password }, accessTokens: [token], databases: ['sales'] });
    source = await open();
  });
  afterAll(async () => {
    await source.close();
    await server.close();
  });

  it('does not connect until asked', async () => {
    const logins = server.logins.length;
    const lazy = await open();
    expect(server.logins.length).toBe(logins);
    expect(lazy.poolStats().pools).toBe(0);
    await lazy.close();
  });

  it('tests a connection with SELECT @@VERSION, logging on with the application name', async () => {
    const named = await open({ applicationName: 'cw-bi', packetSize: 8192 });
    try {
      const result = await named.testConnection(ada, { signal: never() });
      expect(result).toEqual({ ok: true, serverVersion: expect.stringMatching(/^Microsoft SQL Server 2022/), latencyMs: expect.any(Number) });
      expect(server.logins.at(-1)).toMatchObject({ userName: 'ada', appName: 'cw-bi', database: 'sales', packetSize: 8192 });
      expect(named.poolStats().pools).toBe(0);
    } finally {
      await named.close();
    }
  });

  it('refuses a wrong password with CW_AUTH_DENIED and serverCode 18456, and never repeats the password', async () => {
    const wrong: ConnectionIdentity = { kind: 'password', username: 'ada', password: `${password}-wrong` };
    const error = await source.testConnection(wrong, { signal: never() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '18456', message: expect.stringMatching(/user "ada" on SQL Server at 127\.0\.0\.1:\d+ \(database "sales"\)/) });
    expectNoSecret(error);
    await expect(collect(source.execute(request('SELECT 1'), wrong))).rejects.toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '18456' });
    const elsewhere = await open({ database: 'hr' });
    try {
      await expect(elsewhere.testConnection(ada, { signal: never() })).rejects.toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '4060' });
    } finally {
      await elsewhere.close();
    }
  });

  it('logs on with an access token (FEDAUTH), in pools of its own, and refuses an unknown token without naming it', async () => {
    const tokenIdentity: ConnectionIdentity = { kind: 'access-token', token };
    const { rows } = await collect(source.execute(request('SELECT SUSER_NAME() AS who'), tokenIdentity));
    expect(rows).toEqual([['token-user@fixture']]);
    expect(server.logins.at(-1)).toMatchObject({ fedAuth: true, userName: '' });
    await collect(source.execute(request('SELECT 1'), ada));
    expect(source.poolStats().pools).toBe(2);
    const error = await collect(source.execute(request('SELECT 1'), { kind: 'access-token', token: `${token}x` })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '18456', message: expect.stringContaining('an access token') });
    expectNoSecret(error);
  });

  it('refuses identities it cannot log on with', async () => {
    await expect(collect(source.execute(request('SELECT 1'), { kind: 'kerberos', principal: 'a@B', credentialCache: 'FILE:/tmp/x', spn: 'x/y', createGssContext: () => Promise.reject(new Error('unused')) }))).rejects.toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
    await expect(source.testConnection({ kind: 'saml', assertion: 'x' }, { signal: never() })).rejects.toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
  });

  it('binds @p1..@pn: numbers, bigint, text, exact decimal text, bytes, booleans, JSON and NULL', async () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    const { schemas, rows } = await collect(
      source.execute(
        request('SELECT @p1 AS i, @p2 AS big, @p3 AS s, CAST(@p4 AS decimal(38,10)) AS d, @p5 AS b, @p6 AS yes, @p7 AS j, CAST(@p8 AS int) AS n, @p9 AS f, @p1 AS again', {
          parameters: [42, -9223372036854775808n, "it's ✓", '-123456789012345678901234567.1234567891', bytes, true, { a: [1, 'b'] }, null, 0.5],
        }),
        ada,
      ),
    );
    expect((schemas[0] as { columns: Array<{ type: string }> }).columns.map((c) => c.type)).toEqual(['int32', 'int64', 'string', 'decimal', 'binary', 'boolean', 'string', 'int32', 'float64', 'int32']);
    expect(rows).toEqual([[42, -9223372036854775808n, "it's ✓", '-123456789012345678901234567.1234567891', Buffer.from(bytes), true, '{"a":[1,"b"]}', null, 0.5, 42]]);
  });

  it('reports a SQL error with its number, state and class', async () => {
    await expect(collect(source.execute(request('SELECT * FROM cw_missing_table_x9'), ada))).rejects.toMatchObject({
      code: 'CW_QUERY_FAILED',
      serverCode: '208',
      details: { state: 1, class: 16 },
      message: expect.stringContaining("Invalid object name 'cw_missing_table_x9'."),
    });
  });

  it('cancels a statement on the server when the job is cancelled', async () => {
    const controller = new AbortController();
    const running = collect(source.execute(request("/* cw-cancel-ds */ WAITFOR DELAY '00:00:30'; SELECT 1", { signal: controller.signal }), ada));
    await expect.poll(() => server.runningStatements('cw-cancel-ds')).toBe(1);
    controller.abort(new ConnectorError('CW_JOB_CANCELLED', 'the client cancelled'));
    await expect(running).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    expect(server.runningStatements('cw-cancel-ds')).toBe(0);
  });

  it('stops a statement at its deadline with CW_QUERY_TIMEOUT and ends it on the server', async () => {
    await expect(collect(source.execute(request("/* cw-deadline-ds */ WAITFOR DELAY '00:00:30'; SELECT 1", { deadline: Date.now() + 300 }), ada))).rejects.toMatchObject({ code: 'CW_QUERY_TIMEOUT' });
    expect(server.runningStatements('cw-deadline-ds')).toBe(0);
    expect(source.poolStats().leased).toBe(0);
  });

  it('applies requestTimeoutMs to the first response of a statement', async () => {
    const strict = await open({ requestTimeoutMs: 200 });
    try {
      await expect(collect(strict.execute(request("/* cw-request-timeout */ WAITFOR DELAY '00:00:30'; SELECT 1"), ada))).rejects.toMatchObject({ code: 'CW_QUERY_TIMEOUT', message: expect.stringContaining('200 ms') });
      expect(server.runningStatements('cw-request-timeout')).toBe(0);
      expect((await collect(strict.execute(request('SELECT 5 AS five'), ada))).rows).toEqual([[5]]);
    } finally {
      await strict.close();
    }
  });

  it('fails to connect with the SDK codes: unknown host, refused port', async () => {
    const nowhere = await createSqlServerDataSource({ server: 'cw-no-such-host.invalid', database: 'x', encrypt: false }, { dataSourceId: 'nowhere', limits, logger });
    const refused = await createSqlServerDataSource({ server: '127.0.0.1', port: await freePort(), database: 'x', encrypt: false }, { dataSourceId: 'refused', limits, logger });
    try {
      await expect(nowhere.testConnection(ada, { signal: never() })).rejects.toMatchObject({ code: 'CW_HOST_NOT_FOUND', message: expect.stringContaining('cw-no-such-host.invalid:1433') });
      await expect(collect(refused.execute(request('SELECT 1'), ada))).rejects.toMatchObject({ code: 'CW_CONNECT_REFUSED' });
    } finally {
      await nowhere.close();
      await refused.close();
    }
  });

  it('ends running queries and refuses new ones once closed', async () => {
    const closing = await open();
    const running = collect(closing.execute(request("WAITFOR DELAY '00:00:30'; SELECT 1"), ada));
    await expect.poll(() => server.runningStatements("WAITFOR DELAY '00:00:30'")).toBeGreaterThan(0);
    await closing.close();
    await expect(running).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    await expect(collect(closing.execute(request('SELECT 1'), ada))).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });
});

describe('createSqlServerDataSource over TLS', () => {
  let certificate: SelfSignedCertificate;
  let dir: string;
  let caFile: string;

  beforeAll(async () => {
    certificate = await createSelfSignedCertificate();
    dir = await mkdtemp(join(tmpdir(), 'cw-mssql-tls-'));
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, certificate.cert);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function withSource(mode: 'optional' | 'strict', settings: Partial<SqlServerSettings>, check: (source: SqlServerDataSource, server: TdsServer) => Promise<void>): Promise<void> {
    const server = await startTdsServer({ users: { ada: password }, tls: { mode, ...certificate } });
    const source = await createSqlServerDataSource({ server: '127.0.0.1', port: server.port, database: 'sales', encrypt: false, ...settings }, { dataSourceId: 'tls', limits, logger });
    try {
      await check(source, server);
    } finally {
      await source.close();
      await server.close();
    }
  }

  it('encrypt true: trusts the certificate when told to, checks it against a CA file, and fails with CW_TLS_FAILED otherwise', async () => {
    await withSource('optional', { encrypt: true, trustServerCertificate: true }, async (source, server) => {
      expect((await collect(source.execute(request('SELECT 1 AS one'), ada))).rows).toEqual([[1]]);
      expect(server.logins.at(-1)?.encrypted).toBe(true);
    });
    await withSource('optional', { encrypt: true, ca: caFile }, async (source) => {
      expect((await source.testConnection(ada, { signal: never() })).ok).toBe(true);
    });
    await withSource('optional', { encrypt: true }, async (source) => {
      const error = await source.testConnection(ada, { signal: never() }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CW_TLS_FAILED', message: expect.stringContaining('127.0.0.1') });
      expectNoSecret(error);
    });
  });

  it('encrypt "strict" (TDS 8): TLS first, passes with the CA, fails with CW_TLS_FAILED without it or with the wrong host name', async () => {
    await withSource('strict', { encrypt: 'strict', ca: caFile }, async (source, server) => {
      expect((await collect(source.execute(request("SELECT N'tls' AS t"), ada))).rows).toEqual([['tls']]);
      expect(server.logins.at(-1)?.encrypted).toBe(true);
    });
    await withSource('strict', { encrypt: 'strict' }, async (source) => {
      await expect(source.testConnection(ada, { signal: never() })).rejects.toMatchObject({ code: 'CW_TLS_FAILED' });
    });
    await withSource('strict', { encrypt: 'strict', ca: caFile, hostNameInCertificate: 'db.elsewhere.example' }, async (source) => {
      await expect(source.testConnection(ada, { signal: never() })).rejects.toMatchObject({ code: 'CW_TLS_FAILED' });
    });
  });

  it('refuses trustServerCertificate with strict encryption when the data source opens', async () => {
    await expect(createSqlServerDataSource({ server: '127.0.0.1', database: 'x', encrypt: 'strict', trustServerCertificate: true }, { dataSourceId: 'bad', limits, logger })).rejects.toMatchObject({
      code: 'CW_CONFIG_INVALID',
    });
  });
});
