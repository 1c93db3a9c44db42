import { CausewayError, type Logger, type QueryRequest, type ResultPart, type Value } from '@causeway/sdk';
import { abortError, createRunSignal, type PoolLease } from '@causeway/sdk/connectors';
import { describe, expect, it } from 'vitest';
import { mapOracleError } from './mapOracleError.js';
import type { OracleConnection } from './oracleDriver.js';
import { streamQuery, type StreamQueryOptions } from './streamQuery.js';
import { counterColumn, createFakeOracleDriver, FakeLobData, paddingColumn, type FakeServerOptions, type FakeStatement } from './testing/fakeOracleDriver.js';
import { oracledb, serverError } from './testing/oracledbInternals.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const where = 'db.example:1521';

interface Harness {
  driver: ReturnType<typeof createFakeOracleDriver>;
  connection: OracleConnection;
  /** The `discard` of every release, in order. */
  releases: boolean[];
  run(text: string, options?: { batchRows?: number; signal?: AbortSignal; parameters?: Value[]; deadline?: number; extra?: Partial<StreamQueryOptions> }): AsyncGenerator<ResultPart, void, undefined>;
}

async function harness(respond: (sql: string) => FakeStatement, server: Partial<FakeServerOptions> = {}): Promise<Harness> {
  const driver = createFakeOracleDriver({ users: { scott: 'tiger' }, respond, ...server });
  const connection = await driver.getConnection({ user: 'scott', password: 'tiger', connectString: 'db.example:1521/S' });
  const releases: boolean[] = [];
  return {
    driver,
    connection,
    releases,
    run(text, options = {}) {
      const signal = options.signal ?? new AbortController().signal;
      const lease: PoolLease<OracleConnection> = { session: connection, release: (discard) => void releases.push(discard) };
      const request: QueryRequest = { text, parameters: options.parameters ?? [], signal, deadline: options.deadline, batchRows: options.batchRows ?? 100 };
      return streamQuery(lease, request, {
        signal,
        abortError: () => abortError(signal.reason, options.deadline, where),
        mapError: (error) => mapOracleError(error, { phase: 'query', host: 'db.example', port: 1521, serviceName: 'S', user: 'scott' }),
        types: driver.types,
        outFormatArray: driver.OUT_FORMAT_ARRAY,
        maxLobSize: 1024,
        callTimeoutMs: 0,
        settleTimeoutMs: 2000,
        logger,
        ...options.extra,
      });
    },
  };
}

async function collect(stream: AsyncIterable<ResultPart>): Promise<ResultPart[]> {
  const parts: ResultPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
}

const series = (rows: number, extra: Partial<FakeStatement> = {}): FakeStatement => ({ columns: [counterColumn('N'), paddingColumn('PAD', 20)], rows, ...extra });

describe('streamQuery', () => {
  it('yields the schema, then batches of batchRows with exact values, and returns the session', async () => {
    const h = await harness(() => ({
      columns: [
        counterColumn('ID'),
        { name: 'AMOUNT', dbType: oracledb.DB_TYPE_NUMBER, precision: 38, scale: 10, value: (row) => (row === 1 ? null : `12345678901234567890.${row}`) },
        { name: 'NAME', dbType: oracledb.DB_TYPE_NVARCHAR, value: (row) => `n${row}` },
        { name: 'AT', dbType: oracledb.DB_TYPE_TIMESTAMP, precision: 6, value: (row) => new Date(2024, 0, 1, 0, 0, row, 250) },
        { name: 'AT_UTC', dbType: oracledb.DB_TYPE_TIMESTAMP_TZ, value: (row) => new Date(Date.UTC(2024, 0, 1, 12, 0, row)) },
      ],
      rows: 25,
    }));
    const parts = await collect(h.run('select * from t', { batchRows: 10 }));
    expect(parts[0]).toEqual({
      kind: 'schema',
      columns: [
        { name: 'ID', type: 'int64', nativeType: 'NUMBER', nullable: false },
        { name: 'AMOUNT', type: 'decimal', nativeType: 'NUMBER', nullable: true },
        { name: 'NAME', type: 'string', nativeType: 'NVARCHAR2', nullable: true },
        { name: 'AT', type: 'timestamp', nativeType: 'TIMESTAMP', nullable: true },
        { name: 'AT_UTC', type: 'timestamptz', nativeType: 'TIMESTAMP WITH TIME ZONE', nullable: true },
      ],
    });
    expect(parts.slice(1).map((p) => (p.kind === 'rows' ? p.rows.length : -1))).toEqual([10, 10, 5]);
    expect(parts[1]?.kind === 'rows' && parts[1].rows.slice(0, 2)).toEqual([
      [1n, '12345678901234567890.0', 'n0', '2024-01-01T00:00:00.25', '2024-01-01T12:00:00Z'],
      [2n, null, 'n1', '2024-01-01T00:00:01.25', '2024-01-01T12:00:01Z'],
    ]);
    expect(h.releases).toEqual([false]);
    expect(h.driver.stats.resultSetsClosed).toBe(1);
    expect(h.driver.executions[0]?.options).toMatchObject({ resultSet: true, outFormat: oracledb.OUT_FORMAT_ARRAY, autoCommit: true, fetchArraySize: 10, prefetchRows: 10 });
  });

  it('yields only a schema for an empty result and an empty schema for a statement without rows', async () => {
    const h = await harness((sql) => (sql.startsWith('select') ? { columns: [counterColumn('ONE')], rows: 0 } : { rowsAffected: 3 }));
    expect(await collect(h.run('select 1 from dual where 1 = 0'))).toEqual([{ kind: 'schema', columns: [{ name: 'ONE', type: 'int64', nativeType: 'NUMBER', nullable: false }] }]);
    expect(await collect(h.run('update t set x = 1'))).toEqual([{ kind: 'schema', columns: [] }]);
    expect(h.releases).toEqual([false, false]);
  });

  it('streams 200,000 rows with the server never more than one batch ahead of a slow consumer', async () => {
    const h = await harness(() => series(200_000));
    const batchRows = 2000;
    let consumed = 0;
    let fetched = 0;
    let maxAhead = 0;
    let maxServerAhead = 0;
    let batches = 0;
    for await (const part of h.run('select n', { batchRows, extra: { onFetch: (n) => (fetched += n) } })) {
      if (part.kind !== 'rows') continue;
      maxAhead = Math.max(maxAhead, fetched - consumed);
      maxServerAhead = Math.max(maxServerAhead, h.driver.stats.rowsProduced - consumed);
      batches += 1;
      if (batches % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      consumed += part.rows.length;
    }
    expect(consumed).toBe(200_000);
    expect(h.driver.stats.rowsProduced).toBe(200_000);
    expect(maxAhead).toBeLessThanOrEqual(batchRows);
    expect(maxServerAhead).toBeLessThanOrEqual(batchRows);
  });

  it('fetches fetchArraySize rows per round trip but still yields batches of batchRows', async () => {
    const h = await harness(() => series(2500));
    const fetches: number[] = [];
    const parts = await collect(h.run('select n', { batchRows: 1000, extra: { fetchArraySize: 300, onFetch: (n) => fetches.push(n) } }));
    expect(parts.slice(1).map((p) => (p.kind === 'rows' ? p.rows.length : -1))).toEqual([1000, 1000, 500]);
    expect(Math.max(...fetches)).toBe(300);
    expect(h.driver.executions[0]?.options).toMatchObject({ fetchArraySize: 300, prefetchRows: 300 });
  });

  it('interrupts a statement still executing on the server when the job is cancelled, and keeps the session', async () => {
    const h = await harness(() => ({ executeMs: Infinity }));
    const controller = new AbortController();
    const iterator = h.run('select /* cw_marker_1 */ slow', { signal: controller.signal })[Symbol.asyncIterator]();
    const first = iterator.next();
    await until(() => h.driver.runningStatements('cw_marker_1') === 1);
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the client'));
    await expect(first).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED', message: `the query on ${where} was cancelled` });
    await until(() => h.releases.length === 1);
    expect(h.driver.runningStatements('cw_marker_1')).toBe(0);
    expect(h.driver.stats.breaks).toBe(1);
    // The break surfaced as ORA-01013, so the session is known clean and pooled again.
    expect(h.releases).toEqual([false]);
  });

  it('interrupts a fetch running on the server mid-stream', async () => {
    const h = await harness((sql) => (sql.includes('small') ? series(20) : series(5000, { stallAtRow: 1500 })));
    const controller = new AbortController();
    const iterator = h.run('select /* cw_marker_2 */ n', { batchRows: 500, signal: controller.signal })[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ kind: 'schema' });
    expect((await iterator.next()).value).toMatchObject({ kind: 'rows' });
    expect((await iterator.next()).value).toMatchObject({ kind: 'rows' });
    expect((await iterator.next()).value).toMatchObject({ kind: 'rows' });
    const blocked = iterator.next();
    await until(() => h.driver.runningStatements('cw_marker_2') === 1);
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled'));
    await expect(blocked).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    await until(() => h.releases.length === 1);
    expect(h.driver.runningStatements('cw_marker_2')).toBe(0);
    expect(h.releases).toEqual([false]);
    // The session works for the next statement.
    const next = await collect(h.run('select small', { batchRows: 10 }));
    expect(next.map((p) => p.kind)).toEqual(['schema', 'rows', 'rows']);
    expect(h.releases).toEqual([false, false]);
  });

  it('stops a statement at the deadline with CW_QUERY_TIMEOUT', async () => {
    const h = await harness(() => ({ executeMs: Infinity }));
    const deadline = Date.now() + 50;
    const run = createRunSignal(new AbortController().signal, new AbortController().signal, deadline);
    try {
      await expect(collect(h.run('select /* cw_marker_3 */ slow', { signal: run.signal, deadline }))).rejects.toMatchObject({
        code: 'CW_QUERY_TIMEOUT',
        message: `the query on ${where} ran past its deadline and was stopped`,
      });
    } finally {
      run.dispose();
    }
    await until(() => h.releases.length === 1);
    expect(h.driver.stats.breaks).toBe(1);
    expect(h.driver.runningStatements('cw_marker_3')).toBe(0);
  });

  it('releases the session as soon as it is aborted while the consumer holds a batch', async () => {
    const h = await harness(() => series(100_000));
    const controller = new AbortController();
    const iterator = h.run('select n', { batchRows: 1000, signal: controller.signal })[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(h.releases).toEqual([]);
    controller.abort(new CausewayError('CW_QUERY_TIMEOUT', 'deadline'));
    await until(() => h.releases.length === 1);
    expect(h.releases).toEqual([false]);
    // Nothing ran on the server: no break was needed, and the cursor was closed.
    expect(h.driver.stats.breaks).toBe(0);
    expect(h.driver.stats.idleBreaks).toBe(0);
    expect(h.driver.stats.resultSetsClosed).toBe(1);
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CW_QUERY_TIMEOUT' });
    expect(h.driver.stats.rowsProduced).toBe(1000);
  });

  it('closes the cursor and returns the session on an early return', async () => {
    const h = await harness(() => series(100_000));
    let seen = 0;
    for await (const part of h.run('select n', { batchRows: 1000 })) {
      if (part.kind === 'rows') seen += part.rows.length;
      if (seen >= 2000) break;
    }
    expect(seen).toBe(2000);
    expect(h.releases).toEqual([false]);
    expect(h.driver.stats.resultSetsClosed).toBe(1);
    expect(h.driver.stats.rowsProduced).toBe(2000);
  });

  it('drops the session when a break gets no answer, without making the consumer wait for it', async () => {
    const h = await harness(() => ({ executeMs: Infinity }), { ignoreBreaks: true });
    const controller = new AbortController();
    const iterator = h.run('select /* cw_marker_4 */ slow', { signal: controller.signal, extra: { settleTimeoutMs: 50 } })[Symbol.asyncIterator]();
    const first = iterator.next();
    await until(() => h.driver.runningStatements('cw_marker_4') === 1);
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled'));
    await expect(first).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    await until(() => h.releases.length === 1);
    expect(h.releases).toEqual([true]);
  });

  it('maps an execute error to CW_QUERY_FAILED with the ORA code and keeps the session', async () => {
    const h = await harness(() => ({ error: () => serverError(942, 'table or view "SCOTT"."NOPE" does not exist', 14) }));
    await expect(collect(h.run('select * from nope'))).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: 'ORA-00942', details: { offset: 14 } });
    expect(h.releases).toEqual([false]);
  });

  it('maps an error raised after some batches and keeps the session usable', async () => {
    const h = await harness(() => series(2000, { failAtRow: { row: 1200, error: () => serverError(1476, 'divisor is equal to zero') } }));
    const parts: ResultPart[] = [];
    const consume = async (): Promise<void> => {
      for await (const part of h.run('select 1 / (1200 - n) from t', { batchRows: 500 })) parts.push(part);
    };
    await expect(consume()).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: 'ORA-01476', message: expect.stringContaining('divisor is equal to zero') });
    expect(parts.map((p) => p.kind)).toEqual(['schema', 'rows', 'rows']);
    expect(h.releases).toEqual([false]);
  });

  it('reports a connection lost mid-stream as CW_CONNECTION_LOST and drops the session', async () => {
    const h = await harness(() => series(5000, { loseConnectionAtRow: 2500 }));
    await expect(collect(h.run('select n', { batchRows: 1000 }))).rejects.toMatchObject({
      code: 'CW_CONNECTION_LOST',
      serverCode: 'ORA-03113',
      message: expect.stringContaining('db.example:1521'),
    });
    expect(h.releases).toEqual([true]);
  });

  it("stops a round trip past the data source's statement timeout with CW_QUERY_TIMEOUT", async () => {
    const h = await harness(() => ({ executeMs: Infinity }));
    await expect(collect(h.run('select slow', { extra: { callTimeoutMs: 30 } }))).rejects.toMatchObject({ code: 'CW_QUERY_TIMEOUT', serverCode: 'NJS-123' });
    expect(h.connection.callTimeout).toBe(30);
    expect(h.releases).toEqual([false]);
  });

  it('reads CLOB and BLOB values, and fails with CW_RESULT_TOO_LARGE past maxLobSize', async () => {
    const h = await harness((sql) => ({
      columns: [
        { name: 'DOC', dbType: oracledb.DB_TYPE_CLOB, value: (row) => (row === 1 ? null : new FakeLobData(sql.includes('big') ? 'x'.repeat(2000) : `doc ${row}`)) },
        { name: 'PIC', dbType: oracledb.DB_TYPE_BLOB, value: () => new FakeLobData(Buffer.from([0, 255])) },
      ],
      rows: 3,
    }));
    const parts = await collect(h.run('select doc, pic'));
    expect(parts).toEqual([
      {
        kind: 'schema',
        columns: [
          { name: 'DOC', type: 'string', nativeType: 'CLOB', nullable: true },
          { name: 'PIC', type: 'binary', nativeType: 'BLOB', nullable: true },
        ],
      },
      { kind: 'rows', rows: [['doc 0', Buffer.from([0, 255])], [null, Buffer.from([0, 255])], ['doc 2', Buffer.from([0, 255])]] },
    ]);
    // Every locator read was released (temporary LOBs are freed with the next round trip).
    expect(h.driver.stats.lobsReleased).toBe(5);
    await expect(collect(h.run('select big'))).rejects.toMatchObject({ code: 'CW_RESULT_TOO_LARGE' });
    expect(h.driver.stats.lobsReleased).toBe(10);
    expect(h.releases).toEqual([false, false]);
  });

  it('refuses a column type it cannot return, naming the column, and closes the cursor', async () => {
    const h = await harness(() => ({ columns: [{ name: 'ADDR', dbType: oracledb.DB_TYPE_OBJECT, dbTypeName: 'HR.ADDRESS_T', value: () => null }], rows: 1 }));
    await expect(collect(h.run('select addr from people'))).rejects.toMatchObject({
      code: 'CW_QUERY_FAILED',
      message: expect.stringContaining('column "ADDR" is of type HR.ADDRESS_T'),
    });
    expect(h.driver.stats.resultSetsClosed).toBe(1);
    expect(h.releases).toEqual([false]);
  });

  it('binds parameters by position name, booleans as NUMBER before Oracle 23', async () => {
    const h = await harness(() => ({ columns: [counterColumn('N')], rows: 1 }), { version: 1922000000 });
    await collect(h.run('select :1, :2, :1, :3 from dual', { parameters: ['a', true, 7n] }));
    expect(h.driver.executions[0]?.binds).toEqual({ '1': 'a', '2': { val: 1, type: oracledb.DB_TYPE_NUMBER }, '3': { val: 7n, type: oracledb.DB_TYPE_NUMBER } });
  });

  it('fails at once without touching the server when the signal is already aborted', async () => {
    const h = await harness(() => series(10));
    const controller = new AbortController();
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled'));
    await expect(collect(h.run('select n', { signal: controller.signal }))).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    expect(h.driver.executions).toHaveLength(0);
    expect(h.releases).toEqual([false]);
  });
});
