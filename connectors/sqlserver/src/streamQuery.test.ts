import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError, type Logger, type QueryRequest, type ResultPart, type Row } from '@causeway/sdk';
import { abortError, createIdentityPools, type IdentityPools } from '@causeway/sdk/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTdsServer, type TdsServer } from '../../../test/fixtures/tds/index.js';
import { createConnectionConfig, type SqlServerIdentity } from './createConnectionConfig.js';
import { loadTedious } from './loadTedious.js';
import { mapSqlServerError } from './mapSqlServerError.js';
import { openSession, type SqlSession } from './openSession.js';
import { sqlSessionPool } from './sqlSessionPool.js';
import { streamQuery } from './streamQuery.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const { tedious } = loadTedious();
const ada: SqlServerIdentity = { kind: 'password', username: 'ada', password: 'pw' };

interface Harness {
  server: TdsServer;
  pools: IdentityPools<SqlServerIdentity, SqlSession>;
  rowsRead: () => number;
  run(text: string, options?: { parameters?: QueryRequest['parameters']; batchRows?: number; signal?: AbortSignal; deadline?: number }): AsyncGenerator<ResultPart, void, undefined>;
  close(): Promise<void>;
}

async function harness(serverOptions: Parameters<typeof startTdsServer>[0] = {}, connectTimeoutMs = 5000): Promise<Harness> {
  const server = await startTdsServer({ users: { ada: 'pw' }, ...serverOptions });
  const limits = { maxConnections: 2, idleTimeoutMs: 60_000, connectTimeoutMs };
  const configFor = await createConnectionConfig({ server: '127.0.0.1', port: server.port, database: 'test', encrypt: false }, limits);
  const pools = createIdentityPools<SqlServerIdentity, SqlSession>({
    limits,
    logger,
    product: 'SQL Server',
    createPool: (identity) => sqlSessionPool({ open: () => openSession(tedious, configFor(identity), logger), max: 2, idleTimeoutMs: 60_000, logger }),
  });
  let rows = 0;
  return {
    server,
    pools,
    rowsRead: () => rows,
    async *run(text, options = {}) {
      const signal = options.signal ?? new AbortController().signal;
      const request: QueryRequest = { text, parameters: options.parameters ?? [], signal, deadline: options.deadline, batchRows: options.batchRows ?? 100 };
      const lease = await pools.acquire(ada, signal);
      yield* streamQuery(lease, request, {
        tedious,
        signal,
        abortError: () => abortError(signal.reason, options.deadline, 'fixture'),
        mapError: (error) => mapSqlServerError(error, { phase: 'query', where: 'fixture', database: 'test', user: 'ada' }),
        settleTimeoutMs: connectTimeoutMs,
        onRow: () => (rows += 1),
        logger,
      });
    },
    async close() {
      await pools.close();
      await server.close();
    },
  };
}

/** Waits until `read()` has not changed for 300 ms, and returns it. */
async function settle(read: () => number): Promise<number> {
  let last = read();
  let since = Date.now();
  for (const end = Date.now() + 10_000; Date.now() < end; ) {
    await sleep(25);
    const now = read();
    if (now !== last) [last, since] = [now, Date.now()];
    else if (Date.now() - since >= 300) return now;
  }
  throw new Error('kept growing for 10 s');
}

async function collect(stream: AsyncIterable<ResultPart>): Promise<{ parts: string[]; rows: Row[] }> {
  const parts: string[] = [];
  const rows: Row[] = [];
  for await (const part of stream) {
    parts.push(part.kind === 'schema' ? 'schema' : `rows:${part.rows.length}`);
    if (part.kind === 'rows') rows.push(...part.rows);
  }
  return { parts, rows };
}

const series = (n: number, marker: string): string => `SELECT /* ${marker} */ value AS n, REPLICATE(N'x', 100) AS pad FROM GENERATE_SERIES(1, ${n})`;

describe('streamQuery against the TDS fixture', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('yields the schema, then batches of batchRows, and gives the session back', async () => {
    const { parts, rows } = await collect(h.run(series(250, 'batches'), { batchRows: 100 }));
    expect(parts).toEqual(['schema', 'rows:100', 'rows:100', 'rows:50']);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(h.pools.stats()).toMatchObject({ leased: 0, idle: 1 });
  });

  it('yields an empty schema for a batch without a result set, and binds @p1..@pn', async () => {
    expect(await collect(h.run('SET NOCOUNT ON'))).toEqual({ parts: ['schema'], rows: [] });
    const { rows } = await collect(h.run('SELECT @p1 AS a, @p2 AS b, @p1 AS again', { parameters: [7n, 'x'] }));
    expect(rows).toEqual([[7n, 'x', 7n]]);
  });

  it('reads no further than about one batch while the consumer does not pull', async () => {
    const stream = h.run(series(200_000, 'no-read-ahead'), { batchRows: 500 });
    const before = h.rowsRead();
    expect((await stream.next()).value).toMatchObject({ kind: 'schema' });
    expect((await stream.next()).value).toMatchObject({ kind: 'rows', rows: { length: 500 } });
    // Once the socket buffers are full the server waits; meanwhile tedious hands over no more rows.
    const sent = await settle(() => h.server.bytesSent);
    await sleep(300);
    expect(h.server.bytesSent).toBe(sent);
    // The batch the consumer holds, and not a row more (tedious keeps the rest in its small buffers).
    expect(h.rowsRead() - before).toBe(500);
    // 200,000 rows are about 42 MB: the server was stopped long before.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    expect(h.server.runningStatements('no-read-ahead')).toBe(1);
    await stream.return(undefined);
    expect(h.server.runningStatements('no-read-ahead')).toBe(0);
  });

  it('cancels on the server (ATTENTION) when the signal aborts while the consumer is idle, and keeps the session', async () => {
    const controller = new AbortController();
    const stream = h.run(series(1_000_000, 'cancel-idle'), { signal: controller.signal });
    await stream.next();
    await stream.next();
    const attentions = h.server.attentions;
    const total = h.pools.stats().total;
    controller.abort(new ConnectorError('CW_JOB_CANCELLED', 'cancelled by the test'));
    await expect.poll(() => h.server.runningStatements('cancel-idle')).toBe(0);
    await expect(stream.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    expect(h.server.attentions).toBe(attentions + 1);
    expect(h.pools.stats()).toMatchObject({ leased: 0, total });
    expect((await collect(h.run('SELECT 1 AS one'))).rows).toEqual([[1]]);
  });

  it('stops a sleeping statement at its deadline with CW_QUERY_TIMEOUT', async () => {
    const controller = new AbortController();
    const deadline = Date.now() + 200;
    const timer = setTimeout(() => controller.abort(new ConnectorError('CW_QUERY_TIMEOUT', 'deadline')), 200);
    const started = Date.now();
    await expect(collect(h.run("/* sleepy */ WAITFOR DELAY '00:00:30'; SELECT 1", { signal: controller.signal, deadline }))).rejects.toMatchObject({ code: 'CW_QUERY_TIMEOUT' });
    clearTimeout(timer);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(h.server.runningStatements('sleepy')).toBe(0);
  });

  it('reports an error that follows rows, and refuses a second result set', async () => {
    await expect(collect(h.run("SELECT value FROM GENERATE_SERIES(1, 3); THROW 50001, 'boom', 1"))).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '50001', message: expect.stringContaining('boom') });
    await expect(collect(h.run('SELECT 1 AS a; SELECT 2 AS b'))).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('more than one result set') });
    expect(h.pools.stats().leased).toBe(0);
  });

  it('sends nothing and keeps the session when the signal aborted before the batch started', async () => {
    const controller = new AbortController();
    const lease = await h.pools.acquire(ada, controller.signal);
    controller.abort(new ConnectorError('CW_JOB_CANCELLED', 'too late'));
    const attentions = h.server.attentions;
    const started = Date.now();
    const stream = streamQuery(lease, { text: 'SELECT 1', parameters: [], signal: controller.signal, deadline: undefined, batchRows: 10 }, {
      tedious,
      signal: controller.signal,
      abortError: () => abortError(controller.signal.reason, undefined, 'fixture'),
      mapError: (error) => mapSqlServerError(error, { phase: 'query', where: 'fixture', database: 'test', user: 'ada' }),
      settleTimeoutMs: 5000,
      logger,
    });
    await expect(stream.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    // Well under the 5 s it would wait for an acknowledgement of a cancel nobody sent.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(h.server.attentions).toBe(attentions);
    expect(h.pools.stats()).toMatchObject({ leased: 0, idle: 1 });
  });

  it('rejects a parameter it cannot send before anything reaches the server', async () => {
    await expect(collect(h.run('SELECT @p1', { parameters: [Number.POSITIVE_INFINITY] }))).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('@p1') });
    expect(h.pools.stats().leased).toBe(0);
  });

  it('fails promptly with CW_CONNECTION_LOST when the connection drops mid-stream, and discards the session', async () => {
    const stream = h.run(series(1_000_000, 'cut'), { batchRows: 1000 });
    await stream.next();
    await stream.next();
    h.server.dropConnections();
    const started = Date.now();
    await expect((async () => {
      for (;;) if ((await stream.next()).done) break;
    })()).rejects.toMatchObject({ code: 'CW_CONNECTION_LOST' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(h.pools.stats()).toMatchObject({ leased: 0, total: 0 });
  });
});

describe('streamQuery when the server never acknowledges a cancel', () => {
  it('closes the session after the settle time instead of waiting forever', async () => {
    const h = await harness({ ignoreAttention: true }, 400);
    try {
      const controller = new AbortController();
      const stream = h.run("/* deaf */ WAITFOR DELAY '00:01:00'; SELECT 1", { signal: controller.signal });
      const pending = stream.next();
      await expect.poll(() => h.server.runningStatements('deaf')).toBe(1);
      const started = Date.now();
      controller.abort(new ConnectorError('CW_JOB_CANCELLED', 'cancelled by the test'));
      await expect(pending).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
      await expect.poll(() => h.pools.stats()).toMatchObject({ leased: 0, total: 0 });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(h.server.attentions).toBe(1);
    } finally {
      await h.close();
    }
  });
});
