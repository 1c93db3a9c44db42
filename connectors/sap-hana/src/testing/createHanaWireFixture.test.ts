// The connector with the REAL hdb driver against the HANA wire-protocol fixture: logon (SCRAM and
// SAML), test connection, streaming with backpressure on the socket, cancellation and deadlines by
// ending the session, server errors, a cut connection, and a BIGINT parameter round trip.
import { CausewayError, type ConnectionIdentity, type QueryRequest, type ResultPart, type Row } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHanaDataSource, type HanaDataSource } from '../createHanaDataSource.js';
import { loadHdbDriver } from '../loadHdbDriver.js';
import { createHanaWireFixture, type HanaWireFixture } from './createHanaWireFixture.js';
import { createTestLogger } from './testLogger.js';

const password = 'wire-password-Kq9';
const assertion = '<saml2:Assertion ID="_w1">wire-signed-assertion-Tz4</saml2:Assertion>';
const kit: ConnectionIdentity = { kind: 'password', username: 'KIT', password };
const saml: ConnectionIdentity = { kind: 'saml', assertion };
const never = new AbortController().signal;
const logger = createTestLogger();
const seen: unknown[] = [];

function request(text: string, overrides: Partial<QueryRequest> = {}): QueryRequest {
  return { text, parameters: [], signal: never, deadline: undefined, batchRows: 500, ...overrides };
}

async function collect(parts: AsyncIterable<ResultPart>): Promise<{ schema: ResultPart | undefined; rows: Row[] }> {
  let schema: ResultPart | undefined;
  const rows: Row[] = [];
  for await (const part of parts) {
    if (part.kind === 'schema') schema = part;
    else rows.push(...part.rows);
  }
  return { schema, rows };
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
const series = (rows: number, marker: string): string =>
  `SELECT GENERATED_PERIOD_START AS N, LPAD('x', 100, 'x') AS "${marker}" FROM SERIES_GENERATE_INTEGER(1, 1, ${rows + 1}) ORDER BY GENERATED_PERIOD_START`;
const sleepSql = (seconds: number, marker: string): string => `DO BEGIN USING SQLSCRIPT_SYNC AS SYNCLIB; CALL SYNCLIB:SLEEP_SECONDS(${seconds}); SELECT 1 AS "${marker}" FROM DUMMY; END`;

describe('the connector with the real hdb against a HANA wire fixture', () => {
  let fixture: HanaWireFixture;
  let source: HanaDataSource;

  beforeAll(async () => {
    fixture = await createHanaWireFixture();
    fixture.users.set('KIT', password);
    fixture.assertions.set(assertion, 'SAMLUSER');
    source = await createHanaDataSource(
      { host: '127.0.0.1', port: fixture.port, schema: 'SALES' },
      { dataSourceId: 'hana-wire', limits: { maxConnections: 4, idleTimeoutMs: 30_000, connectTimeoutMs: 3000 }, logger, driver: await loadHdbDriver() },
    );
  });
  afterAll(async () => {
    await source?.close();
    await fixture?.close();
  });

  it('logs on with SCRAM-SHA256 and tests the connection with SELECT VERSION FROM SYS.M_DATABASE', async () => {
    const result = await source.testConnection(kit, { signal: never });
    expect(result).toMatchObject({ ok: true, serverVersion: `SAP HANA ${fixture.version}` });
    expect(fixture.logons.at(-1)).toMatchObject({ user: 'KIT', accepted: true });
    expect(fixture.logons.at(-1)?.methods).toContain('SCRAMSHA256');
    expect(fixture.requests).toContain('DISCONNECT');
  });

  it('reports a wrong password as CW_AUTH_DENIED with serverCode "10" from the server', async () => {
    const error = await failure(() => source.testConnection({ kind: 'password', username: 'KIT', password: 'wire-wrong-password-1' }, { signal: never }));
    expect(error).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '10', details: { sqlState: '28000' } });
    expect(fixture.logons.at(-1)?.accepted).toBe(false);
  });

  it('logs on with the SAML assertion alone (method SAML, no user, no password)', async () => {
    const { rows } = await collect(source.execute(request(series(3, 'cwk_saml')), saml));
    expect(rows.map((row) => row[0])).toEqual([1, 2, 3]);
    const logon = fixture.logons.at(-1);
    expect(logon).toMatchObject({ user: '', methods: ['SAML'], assertion, accepted: true });
    await until(() => source.poolStats().total === 0);
  });

  it('streams in order with the declared types, and stops reading from the socket while the consumer pauses', async () => {
    const marker = 'cwk_wire_pause';
    const total = 200_000;
    const iterator = source.execute(request(series(total, marker), { batchRows: 500 }), kit)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual({
      kind: 'schema',
      columns: [
        { name: 'N', type: 'int32', nativeType: 'INTEGER', nullable: true },
        // The fixture names its columns N and PAD whatever the aliases.
        { name: 'PAD', type: 'string', nativeType: 'NVARCHAR', nullable: true },
      ],
    });
    let next = 1;
    const take = async (): Promise<boolean> => {
      const step = await iterator.next();
      if (step.done) return false;
      if (step.value.kind === 'rows') for (const row of step.value.rows) expect(row[0]).toBe(next++);
      return true;
    };
    for (let i = 0; i < 3; i++) await take();
    const paused = await settle(() => fixture.bytesSent, 300);
    await sleep(500);
    expect(fixture.bytesSent - paused, 'bytes kept flowing while the consumer was paused').toBe(0);
    expect(paused).toBeLessThan((total * 110) / 10);
    while (await take());
    expect(next - 1).toBe(total);
    expect(fixture.running(marker)).toBe(0);
  });

  it('an early stop closes the cursor on the server and keeps the session', async () => {
    const marker = 'cwk_wire_return';
    const logons = fixture.logons.length;
    const iterator = source.execute(request(series(100_000, marker), { batchRows: 100 }), kit)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(fixture.running(marker)).toBe(1);
    await iterator.return?.();
    expect(fixture.running(marker)).toBe(0);
    expect(fixture.requests.at(-1)).toBe('CLOSE_RESULT_SET');
    await collect(source.execute(request(series(2, 'cwk_after')), kit));
    expect(fixture.logons.length).toBe(logons);
  });

  it('cancels a running statement by closing the session: CW_JOB_CANCELLED, and the server drops the statement', async () => {
    const marker = 'cwk_wire_cancel';
    const controller = new AbortController();
    const running = failure(() => collect(source.execute(request(sleepSql(60, marker), { signal: controller.signal }), kit)));
    await until(() => fixture.running(marker) === 1);
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the test'));
    expect((await running).code).toBe('CW_JOB_CANCELLED');
    await until(() => fixture.running(marker) === 0);
  });

  it('stops a statement at its deadline with CW_QUERY_TIMEOUT', async () => {
    const marker = 'cwk_wire_deadline';
    const error = await failure(() => collect(source.execute(request(sleepSql(60, marker), { deadline: Date.now() + 300 }), kit)));
    expect(error.code).toBe('CW_QUERY_TIMEOUT');
    await until(() => fixture.running(marker) === 0);
  });

  it('returns the result of a procedure call (anonymous block) that finishes', async () => {
    const { rows } = await collect(source.execute(request(sleepSql(0, 'cwk_quick')), kit));
    expect(rows).toEqual([[1]]);
  });

  it('maps error 259 to CW_QUERY_FAILED with serverCode "259", and the session goes on', async () => {
    const error = await failure(() => collect(source.execute(request('SELECT * FROM CW_NO_SUCH_TABLE'), kit)));
    expect(error).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '259', details: { sqlState: 'HY000' } });
    expect(error.message).toContain('invalid table name');
    expect((await collect(source.execute(request(series(1, 'cwk_ok')), kit))).rows).toHaveLength(1);
  });

  it('sends a BIGINT parameter and reads it back exactly', async () => {
    for (const value of [9223372036854775807n, -9223372036854775808n, 9007199254740993n, 0n]) {
      const { schema, rows } = await collect(source.execute(request('SELECT CAST(? AS BIGINT) FROM DUMMY', { parameters: [value] }), kit));
      expect(schema).toMatchObject({ columns: [{ type: 'int64', nativeType: 'BIGINT' }] });
      expect(rows).toEqual([[value]]);
    }
  });

  it('reports a connection cut mid-stream as CW_CONNECTION_LOST within seconds, then recovers', async () => {
    const iterator = source.execute(request(series(100_000, 'cwk_wire_cut'), { batchRows: 100 }), kit)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    fixture.cut();
    const started = Date.now();
    const error = await failure(async () => {
      while (!(await iterator.next()).done);
    });
    expect(['CW_CONNECTION_LOST', 'CW_CONNECT_FAILED']).toContain(error.code);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await collect(source.execute(request(series(5, 'cwk_wire_again')), kit))).rows).toHaveLength(5);
  });

  it('never puts the password or the assertion in an error or a log line', () => {
    expect(seen.length).toBeGreaterThan(4);
    for (const text of seen.map((e) => `${(e as Error).message} ${JSON.stringify((e as CausewayError).details ?? {})}`).concat(logger.lines)) {
      expect(text).not.toContain(password);
      expect(text).not.toContain('wire-wrong-password-1');
      expect(text).not.toContain('wire-signed-assertion-Tz4');
    }
  });
});
