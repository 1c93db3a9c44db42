import { CausewayError, type ConnectionIdentity, type QueryRequest, type ResultPart, type Row } from '@causeway/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHanaDataSource, type HanaDataSource } from './createHanaDataSource.js';
import { HanaTypeCode as T } from './hanaDriver.js';
import type { HanaSettings } from './hanaSettings.js';
import { createFakeHdb, fakeLob, type FakeHanaServer, type FakeStatementScript } from './testing/createFakeHdb.js';
import { createTestLogger } from './testing/testLogger.js';

const limits = { maxConnections: 4, idleTimeoutMs: 30_000, connectTimeoutMs: 2000 };
const password = 'fake-password-7Q2x';
const assertion = '<saml2:Assertion ID="_a1b2c3">signed-fake-assertion-9ZK</saml2:Assertion>';
const kit: ConnectionIdentity = { kind: 'password', username: 'KIT', password };
const saml: ConnectionIdentity = { kind: 'saml', assertion };
const never = (): AbortSignal => new AbortController().signal;

function request(text: string, overrides: Partial<QueryRequest> = {}): QueryRequest {
  return { text, parameters: [], signal: never(), deadline: undefined, batchRows: 1000, ...overrides };
}

async function collect(parts: AsyncIterable<ResultPart>): Promise<{ schema: ResultPart[]; batches: Row[][]; rows: Row[] }> {
  const schema: ResultPart[] = [];
  const batches: Row[][] = [];
  for await (const part of parts) {
    if (part.kind === 'schema') schema.push(part);
    else batches.push([...part.rows]);
  }
  return { schema, batches, rows: batches.flat() };
}

async function failure(work: () => Promise<unknown>): Promise<CausewayError & { serverCode?: string }> {
  try {
    await work();
  } catch (error) {
    seen.push(error);
    return error as CausewayError;
  }
  throw new Error('expected a failure');
}

async function until(check: () => boolean, withinMs = 5000): Promise<void> {
  const end = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Waits until `read()` has not changed for `quietMs` (within 10 s) and returns it.
async function settle(read: () => number, quietMs: number): Promise<number> {
  const end = Date.now() + 10_000;
  let last = read();
  let since = Date.now();
  while (Date.now() < end) {
    await sleep(20);
    const now = read();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return now;
  }
  throw new Error('the value kept changing: unbounded read-ahead');
}

// The statements of the conformance subject, as the fake server answers them.
function* series(count: number): Iterable<unknown[]> {
  for (let n = 1; n <= count; n++) yield [n, 'x'.repeat(100)];
}
const seriesScript: FakeStatementScript = {
  match: /SERIES_GENERATE_INTEGER\(1, 1, (\d+)\)/,
  columns: [
    { name: 'N', dataType: T.INT, nullable: false },
    { name: 'PAD', dataType: T.NVARCHAR },
  ],
  rows: (_parameters, sql) => series(Number(/SERIES_GENERATE_INTEGER\(1, 1, (\d+)\)/.exec(sql)?.[1]) - 1),
};
const seriesSql = (rows: number, marker: string): string =>
  `SELECT GENERATED_PERIOD_START AS N, LPAD('x', 100, 'x') AS "${marker}" FROM SERIES_GENERATE_INTEGER(1, 1, ${rows + 1}) ORDER BY 1`;
const sleepScript: FakeStatementScript = { match: /SLEEP_SECONDS/, columns: [{ name: 'X', dataType: T.INT }], rows: () => [[1]], runMs: 60_000, procedure: true };

const seen: unknown[] = [];
const logger = createTestLogger();
let opened: HanaDataSource[] = [];

async function setup(settings: Partial<HanaSettings> = {}, limitOverrides: Partial<typeof limits> = {}): Promise<{ server: FakeHanaServer; source: HanaDataSource }> {
  const { server, driver } = createFakeHdb();
  server.users.set('KIT', password);
  server.users.set('OTHER', 'other-password-3Lm');
  server.assertions.set(assertion, 'SAMLUSER');
  server.statements.push(seriesScript, sleepScript);
  const source = await createHanaDataSource(
    { host: 'hana.example', port: 39015, ...settings },
    { dataSourceId: 'hana-test', limits: { ...limits, ...limitOverrides }, logger, driver },
  );
  opened.push(source);
  return { server, source };
}

afterEach(async () => {
  await Promise.allSettled(opened.map((source) => source.close()));
  opened = [];
});

describe('createHanaDataSource (fake hdb at the driver boundary)', () => {
  it('does not connect until asked', async () => {
    const { server, source } = await setup();
    expect(server.logons).toHaveLength(0);
    expect(source.poolStats()).toEqual({ pools: 0, total: 0, idle: 0, leased: 0 });
  });

  it('tests a connection with SELECT VERSION FROM SYS.M_DATABASE and logs off again', async () => {
    const { server, source } = await setup();
    const result = await source.testConnection(kit, { signal: never() });
    expect(result).toMatchObject({ ok: true, serverVersion: `SAP HANA ${server.version}` });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    await until(() => server.sessions() === 0);
  });

  it('logs on with user and password passed to connect only, never to the client options', async () => {
    const { server, source } = await setup({ databaseName: 'HXE', schema: 'SALES "EU"' });
    await collect(source.execute(request(seriesSql(3, 'm1')), kit));
    expect(server.logons).toHaveLength(1);
    const [logon] = server.logons;
    expect(logon).toMatchObject({ method: 'password', user: 'KIT', keys: ['password', 'user'], accepted: true });
    expect(JSON.stringify(logon?.options)).not.toContain(password);
    expect(logon?.options).toMatchObject({
      host: 'hana.example',
      port: 39015,
      databaseName: 'HXE',
      rowsAsArray: true,
      dataFormatSupport: 8,
      initializationTimeout: limits.connectTimeoutMs,
      'SESSIONVARIABLE:APPLICATION': 'causeway',
    });
    expect(server.stats.schemaSet).toEqual(['SALES "EU"']);
  });

  it('logs on with a SAML assertion alone and keeps no session once the job is done', async () => {
    const { server, source } = await setup();
    const { rows } = await collect(source.execute(request(seriesSql(3, 'm2')), saml));
    expect(rows.map((row) => row[0])).toEqual([1, 2, 3]);
    expect(server.logons).toEqual([expect.objectContaining({ method: 'saml', keys: ['assertion'], user: 'SAMLUSER', accepted: true })]);
    expect(JSON.stringify(server.logons[0]?.options)).not.toContain('signed-fake-assertion');
    await until(() => server.sessions() === 0);
    expect(source.poolStats()).toMatchObject({ total: 0, idle: 0, leased: 0 });
    // A later job presenting the same assertion logs on again (the server decides whether it is still valid).
    server.oneTimeAssertions = true;
    const error = await failure(() => collect(source.execute(request(seriesSql(3, 'm2')), saml)));
    expect(error.code).toBe('CW_AUTH_DENIED');
    expect(error.message).toContain('a SAML assertion');
  });

  it('serves concurrent jobs of one assertion with one session, then ends it', async () => {
    const { server, source } = await setup();
    const [a, b] = await Promise.all([collect(source.execute(request(seriesSql(5, 'm3')), saml)), collect(source.execute(request(seriesSql(7, 'm3')), saml))]);
    expect(a.rows).toHaveLength(5);
    expect(b.rows).toHaveLength(7);
    expect(server.logons.filter((l) => l.method === 'saml')).toHaveLength(1);
    await until(() => server.sessions() === 0);
  });

  it('pools password sessions per identity and drops a refused identity without spoiling the others', async () => {
    const { server, source } = await setup();
    await collect(source.execute(request(seriesSql(2, 'm4')), kit));
    await collect(source.execute(request(seriesSql(2, 'm4')), kit));
    expect(server.logons).toHaveLength(1);
    expect(source.poolStats()).toMatchObject({ pools: 1, total: 1, idle: 1, leased: 0 });
    await collect(source.execute(request(seriesSql(2, 'm4')), { kind: 'password', username: 'OTHER', password: 'other-password-3Lm' }));
    expect(server.logons).toHaveLength(2);
    expect(source.poolStats().pools).toBe(2);

    const wrong = await failure(() => collect(source.execute(request(seriesSql(2, 'm4')), { kind: 'password', username: 'KIT', password: 'wrong-password-x1' })));
    expect(wrong).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '10', details: { sqlState: '28000', serverCode: '10' } });
    expect(wrong.message).toContain('user "KIT"');
    expect(wrong.message).toContain('hana.example:39015');
    expect(source.poolStats().pools).toBe(2);
    expect((await collect(source.execute(request(seriesSql(2, 'm4')), kit))).rows).toHaveLength(2);
  });

  it('refuses identities it cannot log on with', async () => {
    const { source } = await setup();
    const error = await failure(() => collect(source.execute(request('SELECT 1 FROM DUMMY'), { kind: 'access-token', token: 'eyJ-token-value' })));
    expect(error.code).toBe('CW_AUTH_MODE_UNSUPPORTED');
    expect(error.message).not.toContain('eyJ-token-value');
  });

  it('streams a result in order, in batches of batchRows, with the schema first', async () => {
    const { source } = await setup();
    const { schema, batches, rows } = await collect(source.execute(request(seriesSql(2500, 'm5'), { batchRows: 1000 }), kit));
    expect(schema).toEqual([
      {
        kind: 'schema',
        columns: [
          { name: 'N', type: 'int32', nativeType: 'INTEGER', nullable: false },
          { name: 'PAD', type: 'string', nativeType: 'NVARCHAR', nullable: true },
        ],
      },
    ]);
    expect(batches.map((batch) => batch.length)).toEqual([1000, 1000, 500]);
    expect(rows.map((row) => row[0])).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
  });

  it('does not read ahead of a paused consumer, and an early stop closes the cursor and keeps the session', async () => {
    const { server, source } = await setup();
    const marker = 'cwk_pause';
    const iterator = source.execute(request(seriesSql(1_000_000, marker), { batchRows: 100 }), kit)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ kind: 'schema' });
    for (let i = 0; i < 3; i++) expect((await iterator.next()).value).toMatchObject({ kind: 'rows' });
    const settled = await settle(() => server.stats.fetchedRows, 200);
    await sleep(300);
    expect(server.stats.fetchedRows, 'rows kept being fetched while the consumer was paused').toBe(settled);
    // Three batches taken; what was fetched beyond them is a few batches, not the result.
    expect(settled - 300).toBeLessThanOrEqual(600);
    expect(server.running(marker)).toBe(1);
    await iterator.return?.();
    expect(server.running(marker)).toBe(0);
    expect(server.stats.closedResultSets).toBe(1);
    expect(source.poolStats()).toMatchObject({ total: 1, idle: 1, leased: 0 });
  });

  it('cancels a running statement by ending its session: CW_JOB_CANCELLED, and the server no longer runs it', async () => {
    const { server, source } = await setup();
    const marker = 'cwk_cancel';
    const controller = new AbortController();
    const running = failure(() => collect(source.execute(request(`DO BEGIN CALL SYNCLIB:SLEEP_SECONDS(60); SELECT 1 AS "${marker}" FROM DUMMY; END`, { signal: controller.signal }), kit)));
    await until(() => server.running(marker) === 1);
    const started = Date.now();
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the test'));
    const error = await running;
    expect(error.code).toBe('CW_JOB_CANCELLED');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.running(marker)).toBe(0);
    expect(source.poolStats()).toMatchObject({ total: 0, leased: 0 });
    expect((await collect(source.execute(request(seriesSql(1, 'm6')), kit))).rows[0]?.[0]).toBe(1);
  });

  it('ends the session at once when the job is cancelled while the consumer is not pulling', async () => {
    const { server, source } = await setup();
    const marker = 'cwk_idle_cancel';
    const controller = new AbortController();
    const iterator = source.execute(request(seriesSql(1_000_000, marker), { batchRows: 50, signal: controller.signal }), kit)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(server.running(marker)).toBe(1);
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the test'));
    await until(() => server.running(marker) === 0);
    expect(server.sessions()).toBe(0);
    const error = await failure(() => iterator.next());
    expect(error.code).toBe('CW_JOB_CANCELLED');
  });

  it('stops a statement at its deadline: CW_QUERY_TIMEOUT, and the statement is gone', async () => {
    const { server, source } = await setup();
    const marker = 'cwk_deadline';
    const started = Date.now();
    const error = await failure(() =>
      collect(source.execute(request(`DO BEGIN CALL SYNCLIB:SLEEP_SECONDS(60); SELECT 1 AS "${marker}" FROM DUMMY; END`, { deadline: Date.now() + 300 }), kit)),
    );
    expect(error.code).toBe('CW_QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(server.running(marker)).toBe(0);
  });

  it('binds positional parameters with the types the server describes, and drops the statement', async () => {
    const { server, source } = await setup();
    server.statements.push({
      match: /^SELECT \?, \?, \?, \?, \?, \?, \? FROM DUMMY$/,
      parameterTypes: [T.BIGINT, T.DECIMAL, T.VARBINARY, T.BOOLEAN, T.NVARCHAR, T.INT, T.NVARCHAR],
      columns: [{ name: 'ECHO', dataType: T.NVARCHAR }],
      rows: (parameters) => [[JSON.stringify(parameters.map((p) => (Buffer.isBuffer(p) ? `bytes:${p.toString('hex')}` : p)))]],
    });
    const { rows } = await collect(
      source.execute(
        request('SELECT ?, ?, ?, ?, ?, ?, ? FROM DUMMY', { parameters: [9223372036854775807n, '12.50', new Uint8Array([0, 255, 16]), true, null, 7, 42n] }),
        kit,
      ),
    );
    expect(server.lastParameters).toEqual(['9223372036854775807', '12.50', Buffer.from([0, 255, 16]), true, null, 7, '42']);
    expect(JSON.parse(rows[0]?.[0] as string)).toEqual(['9223372036854775807', '12.50', 'bytes:00ff10', true, null, 7, '42']);
    expect(server.stats.droppedStatements).toBe(1);
    expect(source.poolStats()).toMatchObject({ idle: 1, leased: 0 });
  });

  it('refuses a parameter it cannot send, keeping the session', async () => {
    const { server, source } = await setup();
    server.statements.push({ match: /^SELECT \? FROM DUMMY$/, parameterTypes: [T.INT], columns: [{ name: 'X', dataType: T.INT }], rows: () => [[1]] });
    const error = await failure(() => collect(source.execute(request('SELECT ? FROM DUMMY', { parameters: [[1, 2]] }), kit)));
    expect(error.code).toBe('CW_QUERY_FAILED');
    expect(error.message).toContain('parameter 1');
    const count = await failure(() => collect(source.execute(request('SELECT ? FROM DUMMY', { parameters: [1, 2] }), kit)));
    expect(count.message).toContain('1 parameter marker(s) but 2 parameter(s)');
    expect(server.stats.droppedStatements).toBe(2);
    expect(source.poolStats()).toMatchObject({ total: 1, idle: 1, leased: 0 });
  });

  it('maps a server error to CW_QUERY_FAILED with the HANA error number and SQLSTATE, and goes on', async () => {
    const { server, source } = await setup();
    server.statements.push({ match: /CW_NO_SUCH_TABLE/, error: { code: 259, sqlState: 'HY000', message: 'invalid table name:  Could not find table/view CW_NO_SUCH_TABLE in schema KIT: line 1 col 15 (at pos 14)' } });
    const error = await failure(() => collect(source.execute(request('SELECT * FROM CW_NO_SUCH_TABLE'), kit)));
    expect(error).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '259', details: { sqlState: 'HY000' } });
    expect(error.message).toContain('invalid table name');
    const syntax = await failure(() => collect(source.execute(request('SELEC 1 FROM DUMMY', { parameters: [1] }), kit)));
    expect(syntax).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '257' });
    expect((await collect(source.execute(request(seriesSql(1, 'm7')), kit))).rows).toHaveLength(1);
    expect(server.logons).toHaveLength(1);
  });

  it('reports a connection cut mid-stream as CW_CONNECTION_LOST promptly, and the next query opens a new session', async () => {
    const { server, source } = await setup();
    const iterator = source.execute(request(seriesSql(1_000_000, 'cwk_cut'), { batchRows: 100 }), kit)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    server.cut();
    const error = await failure(async () => {
      while (!(await iterator.next()).done);
    });
    expect(error.code).toBe('CW_CONNECTION_LOST');
    expect(error.message).toContain('hana.example:39015');
    expect((await collect(source.execute(request(seriesSql(3, 'm8')), kit))).rows).toHaveLength(3);
    expect(server.logons).toHaveLength(2);
  });

  it('converts every mapped type to its exact form', async () => {
    const { server, source } = await setup({ maxLobBytes: 100 });
    const columns = [
      ['TI', T.TINYINT, 255, 255, 'int16', 'TINYINT'],
      ['SI', T.SMALLINT, -32768, -32768, 'int16', 'SMALLINT'],
      ['I', T.INT, 2147483647, 2147483647, 'int32', 'INTEGER'],
      ['BI', T.BIGINT, '-9223372036854775808', -9223372036854775808n, 'int64', 'BIGINT'],
      ['BS', T.BIGINT, 42, 42n, 'int64', 'BIGINT'],
      ['D', T.FIXED12, '12345678901234567890.50', '12345678901234567890.50', 'decimal', 'DECIMAL'],
      ['DF', T.DECIMAL, '1.25e+2', '125', 'decimal', 'DECIMAL'],
      ['R', T.REAL, 1.5, 1.5, 'float32', 'REAL'],
      ['DB', T.DOUBLE, 0.1, 0.1, 'float64', 'DOUBLE'],
      ['S', T.NVARCHAR, 'héllo 😀', 'héllo 😀', 'string', 'NVARCHAR'],
      ['AN', T.ALPHANUM, '00042', '00042', 'string', 'ALPHANUM'],
      ['VB', T.VARBINARY, Buffer.from([0, 255]), Buffer.from([0, 255]), 'binary', 'VARBINARY'],
      ['BL', T.BLOB, fakeLob(Buffer.from([1, 2, 3])), Buffer.from([1, 2, 3]), 'binary', 'BLOB'],
      ['NC', T.NCLOB, fakeLob('a long text ✓', 4), 'a long text ✓', 'string', 'NCLOB'],
      ['DT', T.DAYDATE, '2024-02-29', '2024-02-29', 'date', 'DATE'],
      ['TM', T.SECONDTIME, '23:59:59', '23:59:59', 'time', 'TIME'],
      ['TS', T.LONGDATE, '2024-02-29 12:34:56.123456700', '2024-02-29T12:34:56.123456', 'timestamp', 'TIMESTAMP'],
      ['SD', T.SECONDDATE, '1970-01-01 00:00:00', '1970-01-01T00:00:00', 'timestamp', 'SECONDDATE'],
      ['B', T.BOOLEAN, false, false, 'boolean', 'BOOLEAN'],
    ] as const;
    server.statements.push({
      match: /FROM TYPES/,
      columns: columns.map(([name, dataType]) => ({ name, dataType })),
      rows: () => [columns.map((c) => c[2]), columns.map(() => null)],
    });
    const { schema, rows } = await collect(source.execute(request('SELECT * FROM TYPES'), kit));
    const part = schema[0];
    expect(part?.kind === 'schema' && part.columns.map((c) => [c.name, c.type, c.nativeType])).toEqual(columns.map(([name, , , , type, native]) => [name, type, native]));
    expect(rows).toEqual([columns.map((c) => c[3]), columns.map(() => null)]);
    expect(typeof rows[0]?.[3]).toBe('bigint');
  });

  it('fails a LOB larger than maxLobBytes with CW_RESULT_TOO_LARGE and keeps the session', async () => {
    const { server, source } = await setup({ maxLobBytes: 10 });
    server.statements.push({ match: /FROM BLOBS/, columns: [{ name: 'DATA', dataType: T.BLOB }], rows: () => [[fakeLob(Buffer.alloc(11))]] });
    const error = await failure(() => collect(source.execute(request('SELECT DATA FROM BLOBS'), kit)));
    expect(error.code).toBe('CW_RESULT_TOO_LARGE');
    expect(error.message).toContain('"DATA"');
    expect(source.poolStats()).toMatchObject({ idle: 1, leased: 0 });
  });

  it('yields an empty schema and no rows for a statement without a result set', async () => {
    const { server, source } = await setup();
    server.statements.push({ match: /^INSERT/, rowsAffected: 3 });
    expect(await collect(source.execute(request('INSERT INTO T SELECT * FROM U'), kit))).toEqual({ schema: [{ kind: 'schema', columns: [] }], batches: [], rows: [] });
  });

  it('reports a server that never answers the logon as CW_CONNECT_TIMEOUT within connectTimeoutMs', async () => {
    const { server, source } = await setup({}, { connectTimeoutMs: 300 });
    server.network = 'silent';
    const started = Date.now();
    const error = await failure(() => source.testConnection(kit, { signal: never() }));
    expect(error.code).toBe('CW_CONNECT_TIMEOUT');
    expect(error.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
    const queryError = await failure(() => collect(source.execute(request(seriesSql(1, 'm9')), kit)));
    expect(queryError.code).toBe('CW_CONNECT_TIMEOUT');
    expect(source.poolStats()).toMatchObject({ total: 0, leased: 0 });
  });

  it('closing the data source stops its running queries', async () => {
    const { server, source } = await setup();
    const marker = 'cwk_close';
    const running = failure(() => collect(source.execute(request(`DO BEGIN CALL SYNCLIB:SLEEP_SECONDS(60); SELECT 1 AS "${marker}" FROM DUMMY; END`), kit)));
    await until(() => server.running(marker) === 1);
    await source.close();
    expect((await running).code).toBe('CW_JOB_CANCELLED');
    expect(server.running(marker)).toBe(0);
    expect(server.sessions()).toBe(0);
  });

  it('never puts a password or an assertion in an error or a log line', () => {
    expect(seen.length).toBeGreaterThan(10);
    const texts = seen.map((error) => `${(error as Error).message} ${JSON.stringify((error as CausewayError).details ?? {})}`).concat(logger.lines);
    for (const text of texts) {
      for (const secret of [password, 'wrong-password-x1', 'other-password-3Lm', assertion, 'signed-fake-assertion', 'eyJ-token-value']) expect(text).not.toContain(secret);
    }
  });
});
