import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { CausewayError, type ConnectionIdentity, type Logger, type QueryRequest, type ResultPart, type Row, type SchemaPart } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXmlaFixture, xmlaFixtureErrorCodes, type XmlaFixture } from '../../../test/fixtures/xmla/index.js';
import { createXmlaDataSource, type XmlaDataSource } from './createXmlaDataSource.js';
import type { XmlaSettings } from './xmlaSettings.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const limits = { maxConnections: 4, idleTimeoutMs: 30_000, connectTimeoutMs: 5000 };
const never = (): AbortSignal => new AbortController().signal;

const service = { kind: 'password', username: 'svc', password: 'svc-secret' } as const;
const actingFor = (user: string): ConnectionIdentity => ({ kind: 'effective-user', service, effectiveUserName: user });
const alice: ConnectionIdentity = { kind: 'password', username: 'alice@contoso.com', password: 'alice-secret' };

function request(text: string, overrides: Partial<QueryRequest> = {}): QueryRequest {
  return { text, parameters: [], signal: never(), deadline: undefined, batchRows: 1000, ...overrides };
}

async function collect(stream: AsyncIterable<ResultPart>): Promise<{ schema: SchemaPart; rows: Row[]; batches: number }> {
  let schema: SchemaPart | undefined;
  const rows: Row[] = [];
  let batches = 0;
  for await (const part of stream) {
    if (part.kind === 'schema') {
      expect(schema).toBeUndefined();
      schema = part;
    } else {
      expect(schema).toBeDefined();
      batches += 1;
      rows.push(...part.rows);
    }
  }
  expect(schema).toBeDefined();
  return { schema: schema!, rows, batches };
}

async function failure(work: () => Promise<unknown>): Promise<CausewayError & { serverCode?: string }> {
  try {
    await work();
  } catch (error) {
    return error as CausewayError & { serverCode?: string };
  }
  throw new Error('expected a failure');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => boolean, withinMs = 10_000): Promise<void> {
  const end = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(20);
  }
}
const tag = (): string => `cw_${randomBytes(5).toString('hex')}`;

describe('createXmlaDataSource against the XMLA fixture', () => {
  let fixture: XmlaFixture;
  let source: XmlaDataSource;
  let settings: XmlaSettings;

  beforeAll(async () => {
    fixture = await startXmlaFixture();
    settings = { url: fixture.url, catalog: 'AdventureWorks' };
    source = await open();
  });
  afterAll(async () => {
    await source.close();
    await fixture.close();
  });

  function open(overrides: Partial<XmlaSettings> = {}, limitOverrides: Partial<typeof limits> = {}): Promise<XmlaDataSource> {
    return createXmlaDataSource({ ...settings, ...overrides }, { dataSourceId: 'as-test', limits: { ...limits, ...limitOverrides }, logger });
  }

  it('does not connect until asked', async () => {
    const server = createTcpServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    let connections = 0;
    server.on('connection', (socket) => {
      connections += 1;
      socket.destroy();
    });
    const lazy = await open({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/olap/msmdpump.dll` });
    expect(connections).toBe(0);
    expect(lazy.poolStats().pools).toBe(0);
    await lazy.close();
    server.close();
  });

  it('tests a connection: Discover DISCOVER_PROPERTIES gives the server version, as the effective user', async () => {
    const result = await source.testConnection(actingFor('alice@contoso.com'), { signal: never() });
    expect(result).toMatchObject({ ok: true, serverVersion: '16.0.42.0' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(fixture.requests.at(-1)).toMatchObject({ kind: 'discover', user: 'svc', effectiveUserName: 'alice@contoso.com', properties: { Catalog: 'AdventureWorks' } });
  });

  it('sends the catalog, locale and server-side timeout on every request of the statement', async () => {
    const configured = await open({ locale: 1036, timeoutMs: 90_500 });
    try {
      const marker = tag();
      await collect(configured.execute(request(`EVALUATE ROW("a", 1) // ${marker}`), actingFor('bob@contoso.com')));
      const sessionId = fixture.requests.find((r) => r.statement?.includes(marker))!.sessionId;
      await until(() => fixture.requests.some((r) => r.kind === 'endSession' && r.sessionId === sessionId));
      const ofSession = fixture.requests.filter((r) => r.sessionId === sessionId);
      expect(ofSession.map((r) => r.kind)).toEqual(['beginSession', 'statement', 'endSession']);
      for (const sent of ofSession) {
        expect(sent.properties).toMatchObject({ Catalog: 'AdventureWorks', LocaleIdentifier: '1036', Timeout: '91', EffectiveUserName: 'bob@contoso.com' });
      }
      expect(ofSession[1]!.properties).toMatchObject({ Format: 'Tabular', Content: 'SchemaData' });
    } finally {
      await configured.close();
    }
  });

  it('reports a wrong password as CW_AUTH_DENIED (HTTP 401) naming the user, never the password', async () => {
    const wrong: ConnectionIdentity = { kind: 'password', username: 'svc', password: 'not-the-password' };
    const started = Date.now();
    const error = await failure(() => source.testConnection(wrong, { signal: never() }));
    expect(error).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: 'HTTP 401' });
    expect(error.message).toContain('"svc"');
    expect(error.message).not.toContain('not-the-password');
    const queryError = await failure(() => collect(source.execute(request('EVALUATE ROW("a", 1)'), { kind: 'effective-user', service: { ...service, password: 'nope' }, effectiveUserName: 'alice@contoso.com' })));
    expect(queryError).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: 'HTTP 401' });
    expect(queryError.message).toContain('alice@contoso.com');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await source.testConnection(service, { signal: never() })).ok).toBe(true);
  });

  it('reads every type value by value, with NULL for a missing element', async () => {
    const cases: Array<{ sql: string; type: string; nativeType: string; expected: unknown[] }> = [
      { sql: 'EVALUATE DATATABLE("v", BOOLEAN, {{TRUE}, {FALSE}, {BLANK()}})', type: 'boolean', nativeType: 'xsd:boolean', expected: [true, false, null] },
      { sql: 'EVALUATE DATATABLE("v", INT16, {{-32768}, {32767}, {0}, {BLANK()}})', type: 'int16', nativeType: 'xsd:short', expected: [-32768, 32767, 0, null] },
      { sql: 'EVALUATE DATATABLE("v", BYTE, {{0}, {255}})', type: 'int16', nativeType: 'xsd:unsignedByte', expected: [0, 255] },
      { sql: 'EVALUATE DATATABLE("v", INT32, {{-2147483648}, {2147483647}, {BLANK()}})', type: 'int32', nativeType: 'xsd:int', expected: [-2147483648, 2147483647, null] },
      {
        sql: 'EVALUATE DATATABLE("v", INTEGER, {{-9223372036854775808}, {9223372036854775807}, {9007199254740993}, {BLANK()}})',
        type: 'int64',
        nativeType: 'xsd:long',
        expected: [-9223372036854775808n, 9223372036854775807n, 9007199254740993n, null],
      },
      { sql: 'EVALUATE DATATABLE("v", SINGLE, {{1.5}, {-0.25}, {"INF"}, {BLANK()}})', type: 'float32', nativeType: 'xsd:float', expected: [1.5, -0.25, Infinity, null] },
      {
        sql: 'EVALUATE DATATABLE("v", DOUBLE, {{0.1}, {-1.7976931348623157E+308}, {4.9E-324}, {"-INF"}, {BLANK()}})',
        type: 'float64',
        nativeType: 'xsd:double',
        expected: [0.1, -1.7976931348623157e308, 5e-324, -Infinity, null],
      },
      {
        sql: 'EVALUATE DATATABLE("v", CURRENCY, {{"922337203685477.5807"}, {"-0.0001"}, {"12.50"}, {BLANK()}})',
        type: 'decimal',
        nativeType: 'xsd:decimal',
        expected: ['922337203685477.5807', '-0.0001', '12.50', null],
      },
      { sql: 'EVALUATE DATATABLE("v", STRING, {{"it\'s <b> & ""q"""}, {"ünïcödé 😀"}, {""}, {BLANK()}})', type: 'string', nativeType: 'xsd:string', expected: ['it\'s <b> & "q"', 'ünïcödé 😀', '', null] },
      { sql: 'EVALUATE DATATABLE("v", BINARY, {{"AAH+/w=="}, {""}, {BLANK()}})', type: 'binary', nativeType: 'xsd:base64Binary', expected: [Buffer.from([0, 1, 254, 255]), Buffer.alloc(0), null] },
      { sql: 'EVALUATE DATATABLE("v", DATE, {{"2024-02-29"}, {"0001-01-01"}, {BLANK()}})', type: 'date', nativeType: 'xsd:date', expected: ['2024-02-29', '0001-01-01', null] },
      {
        sql: 'EVALUATE DATATABLE("v", DATETIME, {{BLANK()}, {"2024-01-02T03:04:05.123456"}, {"1899-12-30T00:00:00"}})',
        type: 'timestamp',
        nativeType: 'xsd:dateTime',
        expected: [null, '2024-01-02T03:04:05.123456', '1899-12-30T00:00:00'],
      },
      {
        sql: 'EVALUATE DATATABLE("v", DATETIMEZ, {{BLANK()}, {"2024-01-02T03:04:05.5+02:00"}, {"2024-06-30T23:59:59Z"}})',
        type: 'timestamptz',
        nativeType: 'xsd:dateTime',
        expected: [null, '2024-01-02T01:04:05.5Z', '2024-06-30T23:59:59Z'],
      },
      { sql: 'EVALUATE DATATABLE("v", GUID, {{"6C0B1D5E-0A0B-4C1D-9E2F-123456789ABC"}, {BLANK()}})', type: 'uuid', nativeType: 'uuid', expected: ['6c0b1d5e-0a0b-4c1d-9e2f-123456789abc', null] },
      { sql: 'EVALUATE DATATABLE("v", DURATION, {{"P1DT2H"}, {BLANK()}})', type: 'unknown', nativeType: 'xsd:duration', expected: ['P1DT2H', null] },
      { sql: 'EVALUATE DATATABLE("v", VARIANT, {{"anything"}, {BLANK()}})', type: 'unknown', nativeType: 'variant', expected: ['anything', null] },
    ];
    for (const typeCase of cases) {
      const { schema, rows } = await collect(source.execute(request(typeCase.sql), service));
      expect(schema.columns, typeCase.sql).toEqual([{ name: '[v]', type: typeCase.type, nativeType: typeCase.nativeType }]);
      expect(rows.map((row) => row[0]), typeCase.sql).toEqual(typeCase.expected);
    }
  });

  it('returns a row of NULLs of several types, and decodes encoded column names', async () => {
    const { schema, rows } = await collect(
      source.execute(request('EVALUATE DATATABLE("Total Amount", CURRENCY, "a_x b", INTEGER, "ü[1]", STRING, "d", DATETIME, {{BLANK(), BLANK(), BLANK(), BLANK()}})'), service),
    );
    expect(schema.columns.map((c) => c.name)).toEqual(['[Total Amount]', '[a_x b]', '[ü[1]]', '[d]']);
    expect(rows).toEqual([[null, null, null, null]]);
  });

  it('binds positional parameters as @p1, @p2, … with their XSD types, and returns them exactly', async () => {
    const parameters = [42, 9223372036854775807n, 0.5, "it's </Value><b>&amp;", true, new Uint8Array([1, 2, 255]), null];
    const { schema, rows } = await collect(
      source.execute(request('EVALUATE ROW("i", @p1, "l", @p2, "d", @p3, "s", @p4, "b", @p5, "x", @p6, "n", @p7, "again", @p1)', { parameters }), service),
    );
    expect(schema.columns.map((c) => c.type)).toEqual(['int32', 'int64', 'float64', 'string', 'boolean', 'binary', 'string', 'int32']);
    expect(rows).toEqual([[42, 9223372036854775807n, 0.5, "it's </Value><b>&amp;", true, Buffer.from([1, 2, 255]), null, 42]]);
    const sent = fixture.requests.filter((r) => r.kind === 'statement').at(-1)!;
    expect(sent.parameters).toEqual([
      { name: 'p1', type: 'xsd:int', value: '42' },
      { name: 'p2', type: 'xsd:long', value: '9223372036854775807' },
      { name: 'p3', type: 'xsd:double', value: '0.5' },
      { name: 'p4', type: 'xsd:string', value: "it's </Value><b>&amp;" },
      { name: 'p5', type: 'xsd:boolean', value: 'true' },
      { name: 'p6', type: 'xsd:base64Binary', value: 'AQL/' },
      { name: 'p7', type: undefined, value: null },
    ]);
  });

  it('converts parameters on the server side with CONVERT, e.g. a decimal string to currency', async () => {
    const { schema, rows } = await collect(source.execute(request('EVALUATE ROW("v", CONVERT(@p1, CURRENCY))', { parameters: ['-12.3400'] }), service));
    expect(schema.columns[0]?.type).toBe('decimal');
    expect(rows).toEqual([['-12.3400']]);
  });

  it('refuses a JSON parameter with CW_QUERY_FAILED before anything is sent', async () => {
    const before = fixture.requests.length;
    const error = await failure(() => collect(source.execute(request('EVALUATE ROW("v", @p1)', { parameters: [{ a: 1 }] }), service)));
    expect(error).toMatchObject({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('@p1') });
    expect(fixture.requests.length).toBe(before);
    await until(() => source.poolStats().leased === 0);
  });

  it('honours EffectiveUserName: each concurrent job sees its own user and rows, in its own session', async () => {
    const users = ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'dave@contoso.com'];
    const results = await Promise.all(
      users.map(async (user) => {
        const who = await collect(source.execute(request(`EVALUATE ROW("user", USERNAME()) // ${user}`), actingFor(user)));
        const sales = await collect(source.execute(request('EVALUATE \'Sales\''), actingFor(user)));
        return { user, who: who.rows, owners: [...new Set(sales.rows.map((row) => row[1]))], regions: sales.rows.map((row) => row[0]) };
      }),
    );
    expect(results).toEqual([
      { user: 'alice@contoso.com', who: [['alice@contoso.com']], owners: ['alice@contoso.com'], regions: ['North', 'North'] },
      { user: 'bob@contoso.com', who: [['bob@contoso.com']], owners: ['bob@contoso.com'], regions: ['South', 'West'] },
      { user: 'carol@contoso.com', who: [['carol@contoso.com']], owners: ['carol@contoso.com'], regions: ['East'] },
      { user: 'dave@contoso.com', who: [['dave@contoso.com']], owners: [], regions: [] },
    ]);
    // Every request of a session carried that session's user; the service account logged on.
    const bySession = new Map<string, Set<string | undefined>>();
    for (const r of fixture.requests.filter((r) => r.sessionId && r.user === 'svc' && users.includes(r.effectiveUserName ?? ''))) {
      bySession.set(r.sessionId!, (bySession.get(r.sessionId!) ?? new Set()).add(r.effectiveUserName));
    }
    expect(bySession.size).toBeGreaterThanOrEqual(users.length * 2);
    for (const names of bySession.values()) expect(names.size).toBe(1);
    // The service account itself, without an effective user, sees every row.
    expect((await collect(source.execute(request("EVALUATE 'Sales'"), service))).rows).toHaveLength(5);
    // A user logging on with their own password sees their own rows.
    expect((await collect(source.execute(request("EVALUATE 'Sales'"), alice))).rows.map((row) => row[1])).toEqual(['alice@contoso.com', 'alice@contoso.com']);
  });

  it('sends a hostile EffectiveUserName verbatim (no injection) and refuses an empty one', async () => {
    const hostile = 'x</EffectiveUserName><EffectiveUserName>svc';
    const sales = await collect(source.execute(request("EVALUATE 'Sales'"), actingFor(hostile)));
    expect(sales.rows).toEqual([]);
    const sent = fixture.requests.find((r) => r.kind === 'statement' && r.effectiveUserName?.startsWith('x</'));
    expect(sent).toMatchObject({ user: 'svc', effectiveUserName: hostile, properties: { Catalog: 'AdventureWorks' } });
    await until(() => source.poolStats().leased === 0);
    const before = fixture.requests.length;
    const error = await failure(() => collect(source.execute(request("EVALUATE 'Sales'"), actingFor('  '))));
    expect(error).toMatchObject({ code: 'CW_AUTH_DENIED' });
    expect(fixture.requests.length).toBe(before);
  });

  it('reports the server refusing EffectiveUserName for a non-administrator as CW_CONNECT_FAILED with its code', async () => {
    const identity: ConnectionIdentity = { kind: 'effective-user', service: { kind: 'password', username: 'bob@contoso.com', password: 'bob-secret' }, effectiveUserName: 'alice@contoso.com' };
    const error = await failure(() => collect(source.execute(request('EVALUATE ROW("a", 1)'), identity)));
    expect(error).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: xmlaFixtureErrorCodes.effectiveUserDenied });
    expect(error.message).toContain('EffectiveUserName');
  });

  it('streams 200,000 rows in order without reading ahead of a paused consumer', async () => {
    const marker = tag();
    const total = 200_000;
    const iterator = source.execute(request(`EVALUATE ADDCOLUMNS(GENERATESERIES(1, ${total}), "pad", REPT("x", 80)) // ${marker}`, { batchRows: 1000 }), service)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ kind: 'schema', columns: [{ name: '[Value]', type: 'int64' }, { name: '[pad]', type: 'string' }] });
    let next = 1n;
    const take = async (): Promise<boolean> => {
      const step = await iterator.next();
      if (step.done) return false;
      if (step.value.kind === 'rows') {
        for (const row of step.value.rows) {
          expect(row[0]).toBe(next);
          next += 1n;
        }
      }
      return true;
    };
    await take();
    // Paused: the fixture can only write while the socket drains, so its bytes settle far below the result.
    let written = fixture.bytesWritten(marker);
    for (let quiet = 0; quiet < 10; ) {
      await sleep(50);
      const now = fixture.bytesWritten(marker);
      quiet = now === written ? quiet + 1 : 0;
      written = now;
    }
    expect(fixture.runningStatements(marker)).toBe(1);
    while (await take());
    expect(next - 1n).toBe(BigInt(total));
    const all = fixture.bytesWritten(marker);
    expect(all).toBeGreaterThan(total * 100);
    expect(written, `${written} of ${all} bytes written while paused`).toBeLessThan(all / 3);
    await until(() => fixture.runningStatements(marker) === 0 && source.poolStats().leased === 0);
  });

  it('cancels a running statement on the server: CW_JOB_CANCELLED, a Cancel for its session, the session ended', async () => {
    const marker = tag();
    const controller = new AbortController();
    const running = failure(() => collect(source.execute(request(`EVALUATE ROW("slept", SLEEP(60)) // ${marker}`, { signal: controller.signal }), actingFor('alice@contoso.com'))));
    await until(() => fixture.runningStatements(marker) === 1);
    const sessionId = fixture.requests.find((r) => r.statement?.includes(marker))!.sessionId;
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the test'));
    const error = await running;
    expect(error.code).toBe('CW_JOB_CANCELLED');
    await until(() => fixture.runningStatements(marker) === 0);
    expect(fixture.requests.find((r) => r.kind === 'cancel' && r.cancelledSessionId === sessionId)).toMatchObject({ user: 'svc', effectiveUserName: undefined });
    await until(() => fixture.requests.some((r) => r.kind === 'endSession' && r.sessionId === sessionId));
    await until(() => source.poolStats().leased === 0);
  });

  it('stops the server work on abort even while the consumer is not pulling', async () => {
    const marker = tag();
    const controller = new AbortController();
    const iterator = source.execute(request(`EVALUATE ADDCOLUMNS(GENERATESERIES(1, 300000), "pad", REPT("y", 100)) // ${marker}`, { signal: controller.signal, batchRows: 500 }), service)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(fixture.runningStatements(marker)).toBe(1);
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the test'));
    // No further pull: the abort listener alone stops the statement on the server.
    await until(() => fixture.runningStatements(marker) === 0);
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    await until(() => source.poolStats().leased === 0);
  });

  it('stops a statement at its deadline with CW_QUERY_TIMEOUT and limits it with the XMLA Timeout property', async () => {
    const marker = tag();
    const started = Date.now();
    const error = await failure(() => collect(source.execute(request(`EVALUATE ROW("slept", SLEEP(60)) /* ${marker} */`, { deadline: Date.now() + 400 }), service)));
    expect(error.code).toBe('CW_QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(10_000);
    await until(() => fixture.runningStatements(marker) === 0);
    const sent = fixture.requests.find((r) => r.statement?.includes(marker))!;
    expect(Number(sent.properties.Timeout)).toBeGreaterThanOrEqual(1);
    expect(Number(sent.properties.Timeout)).toBeLessThanOrEqual(2);
  });

  it("reports an unknown table as CW_QUERY_FAILED with the server's ErrorCode, and sends no Cancel", async () => {
    const marker = tag();
    const error = await failure(() => collect(source.execute(request(`EVALUATE 'NoSuchTable' // ${marker}`), service)));
    expect(error).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: xmlaFixtureErrorCodes.unknownTable, message: expect.stringContaining("Cannot find table 'NoSuchTable'") });
    await until(() => source.poolStats().leased === 0);
    const sessionId = fixture.requests.find((r) => r.statement?.includes(marker))?.sessionId;
    const ofSession = fixture.requests.filter((r) => r.sessionId === sessionId || r.cancelledSessionId === sessionId);
    expect(ofSession.map((r) => r.kind)).toEqual(['beginSession', 'statement', 'endSession']);
  });

  it('reports an error the server sends mid-stream, after rows, as CW_QUERY_FAILED', async () => {
    const received: Row[] = [];
    const error = await failure(async () => {
      for await (const part of source.execute(request('EVALUATE FAILAFTER(2500, GENERATESERIES(1, 5000))', { batchRows: 1000 }), service)) {
        if (part.kind === 'rows') received.push(...part.rows);
      }
    });
    expect(error).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: xmlaFixtureErrorCodes.failAfter, message: expect.stringContaining('after 2500 rows') });
    // Whole batches before the error reach the consumer; rows parsed with the error are dropped with it.
    expect(received.length).toBeGreaterThanOrEqual(1000);
    expect(received.length).toBeLessThanOrEqual(2500);
    expect(received.map((row) => row[0])).toEqual(Array.from({ length: received.length }, (_, i) => BigInt(i + 1)));
  });

  it('reports a SOAP fault (unknown catalog) while opening the session as CW_CONNECT_FAILED with its code', async () => {
    const wrong = await open({ catalog: 'NoSuchCube' });
    try {
      const error = await failure(() => collect(wrong.execute(request('EVALUATE ROW("a", 1)'), service)));
      expect(error).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: xmlaFixtureErrorCodes.unknownCatalog, message: expect.stringContaining('NoSuchCube') });
      await expect(wrong.testConnection(service, { signal: never() })).rejects.toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: xmlaFixtureErrorCodes.unknownCatalog });
    } finally {
      await wrong.close();
    }
  });

  it('maps HTTP answers without a SOAP body: 404 and 503 → CW_CONNECT_FAILED with the status', async () => {
    const wrongPath = await open({ url: fixture.url.replace('msmdpump.dll', 'nothing.dll') });
    await expect(wrongPath.testConnection(service, { signal: never() })).rejects.toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: 'HTTP 404' });
    await wrongPath.close();
    const unavailable: Server = createServer((_req, res) => res.writeHead(503, { 'content-type': 'text/html' }).end('<html>Service Unavailable</html>'));
    await new Promise<void>((resolve) => unavailable.listen(0, '127.0.0.1', resolve));
    const down = await open({ url: `http://127.0.0.1:${(unavailable.address() as AddressInfo).port}/olap/msmdpump.dll` });
    try {
      const error = await failure(() => collect(down.execute(request('EVALUATE ROW("a", 1)'), service)));
      expect(error).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: 'HTTP 503' });
    } finally {
      await down.close();
      unavailable.close();
    }
  });

  it('maps a refused port and an unknown host to the SDK connect codes', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createTcpServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const refused = await open({ url: `http://127.0.0.1:${port}/olap/msmdpump.dll` });
    const error = await failure(() => collect(refused.execute(request('EVALUATE ROW("a", 1)'), service)));
    expect(error.code).toBe('CW_CONNECT_REFUSED');
    expect(error.message).toContain(String(port));
    await refused.close();
    const unknown = await open({ url: 'http://causeway-xmla-test.invalid/olap/msmdpump.dll' });
    await expect(unknown.testConnection(service, { signal: never() })).rejects.toMatchObject({ code: 'CW_HOST_NOT_FOUND' });
    await unknown.close();
  });

  it('reports a connection cut mid-stream as CW_CONNECTION_LOST and recovers', async () => {
    const { createTcpProxy } = await import('@causeway/testing');
    const proxy = await createTcpProxy(fixture.address);
    const viaProxy = await open({ url: `http://${proxy.address.host}:${proxy.address.port}/olap/msmdpump.dll` });
    try {
      const iterator = viaProxy.execute(request('EVALUATE ADDCOLUMNS(GENERATESERIES(1, 300000), "pad", REPT("z", 100))', { batchRows: 500 }), service)[Symbol.asyncIterator]();
      await iterator.next();
      await iterator.next();
      proxy.cut();
      const error = await failure(async () => {
        while (!(await iterator.next()).done);
      });
      expect(error.code).toBe('CW_CONNECTION_LOST');
      expect((await collect(viaProxy.execute(request('EVALUATE GENERATESERIES(1, 3)'), service))).rows).toEqual([[1n], [2n], [3n]]);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });

  it('refuses negotiate authentication and other identity kinds with CW_AUTH_MODE_UNSUPPORTED', async () => {
    const negotiate = await open({ authentication: 'negotiate' });
    await expect(collect(negotiate.execute(request('EVALUATE ROW("a", 1)'), service))).rejects.toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
    await expect(negotiate.testConnection(service, { signal: never() })).rejects.toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
    await negotiate.close();
    const token: ConnectionIdentity = { kind: 'access-token', token: 'opaque' };
    await expect(collect(source.execute(request('EVALUATE ROW("a", 1)'), token))).rejects.toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
  });

  it('keeps within the pool limit across concurrent queries, and ends every session', async () => {
    const limited = await open({}, { maxConnections: 2 });
    const marker = tag();
    let most = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        most = Math.max(most, fixture.runningStatements(marker));
        await sleep(5);
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => collect(limited.execute(request(`EVALUATE ADDCOLUMNS(ROW("i", ${i}), "s", SLEEP(1)) // ${marker}`), service))),
    );
    watching = false;
    await watch;
    expect(results.map((r) => r.rows[0]?.[0])).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(most).toBe(2);
    await until(() => limited.poolStats().leased === 0);
    await limited.close();
    await until(() => fixture.openSessions() === 0);
  });

  it('closing the data source cancels its running statements', async () => {
    const closing = await open();
    const marker = tag();
    const running = failure(() => collect(closing.execute(request(`EVALUATE ROW("slept", SLEEP(60)) // ${marker}`), service)));
    await until(() => fixture.runningStatements(marker) === 1);
    await closing.close();
    expect((await running).code).toBe('CW_JOB_CANCELLED');
    await until(() => fixture.runningStatements(marker) === 0);
    await expect(collect(closing.execute(request('EVALUATE ROW("a", 1)'), service))).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });
});

// A self-signed certificate for 127.0.0.1, made with the openssl CLI (null when it is missing).
function selfSignedCertificate(): { dir: string; key: string; cert: string; certFile: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'cw-xmla-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return { dir, key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), certFile: join(dir, 'cert.pem') };
}

describe('createXmlaDataSource over https', () => {
  const certificate = selfSignedCertificate();
  if (!certificate) console.log('skipped: the openssl CLI is needed to make a certificate for the https tests');

  it.skipIf(!certificate)('checks the certificate: refused by default, trusted with tls.ca, accepted with rejectUnauthorized false', async () => {
    const fixture = await startXmlaFixture({ tls: { key: certificate!.key, cert: certificate!.cert } });
    const sources: XmlaDataSource[] = [];
    const open = async (tls: XmlaSettings['tls']): Promise<XmlaDataSource> => {
      const source = await createXmlaDataSource({ url: fixture.url, catalog: 'AdventureWorks', tls }, { dataSourceId: 'as-tls', limits, logger });
      sources.push(source);
      return source;
    };
    try {
      expect(fixture.url).toMatch(/^https:/);
      await expect((await open(undefined)).testConnection(service, { signal: never() })).rejects.toMatchObject({ code: 'CW_TLS_FAILED' });
      expect((await (await open({ ca: certificate!.certFile })).testConnection(service, { signal: never() })).ok).toBe(true);
      const lax = await open({ rejectUnauthorized: false });
      expect((await collect(lax.execute(request('EVALUATE GENERATESERIES(1, 2)'), actingFor('bob@contoso.com')))).rows).toEqual([[1n], [2n]]);
    } finally {
      await Promise.all(sources.map((source) => source.close()));
      await fixture.close();
      rmSync(certificate!.dir, { recursive: true, force: true });
    }
  });
});

describe('createXmlaDataSource settings', () => {
  const options = { dataSourceId: 'as', limits, logger };

  it('refuses a URL holding credentials without echoing them', async () => {
    const error = await failure(() => createXmlaDataSource({ url: 'https://svc:hunter2@olap.example.com/olap/msmdpump.dll' }, options));
    expect(error).toMatchObject({ code: 'CW_CONFIG_INVALID', location: { field: 'url' } });
    expect(error.message).not.toContain('hunter2');
  });

  it('fails to open when the CA file cannot be read', async () => {
    await expect(createXmlaDataSource({ url: 'https://olap.example.com/olap/msmdpump.dll', tls: { ca: '/nonexistent/cw-ca.pem' } }, options)).rejects.toMatchObject({
      code: 'CW_CONFIG_INVALID',
      location: { file: '/nonexistent/cw-ca.pem' },
    });
  });
});
