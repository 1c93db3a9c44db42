import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { CausewayError, ConnectorError, type Logger, type QueryRequest, type ResultPart, type Row } from '@causeway/sdk';
import type { PoolLease, SessionPool } from '@causeway/sdk/connectors';
import mysql, { type ExecuteValues, type PoolConnection } from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/requireService.js';
import { killQuery } from './killQuery.js';
import { mysqlSessionPool } from './mysqlSessionPool.js';
import { streamQuery, type StreamQueryOptions } from './streamQuery.js';
import { MysqlType } from './typeMap.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const root = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test', supportBigNumbers: true, dateStrings: true, jsonStrings: true };
const never = (): AbortSignal => new AbortController().signal;

function request(text: string, overrides: Partial<QueryRequest> = {}): QueryRequest {
  return { text, parameters: [], signal: never(), deadline: undefined, batchRows: 1000, ...overrides };
}

interface Released {
  discard: boolean | undefined;
}

function lease<S>(session: S, pool?: SessionPool<S>): PoolLease<S> & Released {
  const state: PoolLease<S> & Released = {
    session,
    discard: undefined,
    release(discard) {
      state.discard = discard;
      pool?.release(session, discard);
    },
  };
  return state;
}

function options(overrides: Partial<StreamQueryOptions> & { kills?: Array<[number, string]> } = {}): StreamQueryOptions {
  const kills = overrides.kills ?? [];
  return {
    signal: never(),
    abortError: () => new ConnectorError('CW_JOB_CANCELLED', 'cancelled'),
    mapError: (error) => (error instanceof CausewayError ? error : Object.assign(new Error(`mapped: ${(error as Error).message}`), { original: error })),
    parameters: [],
    kill: async (threadId, what) => {
      kills.push([threadId, what]);
      await killQuery(root, threadId, 5000, what);
    },
    settleTimeoutMs: 5000,
    typeMap: { tinyint1AsBoolean: true },
    logger,
    ...overrides,
  };
}

async function collect(parts: AsyncIterable<ResultPart>): Promise<{ parts: ResultPart[]; rows: Row[] }> {
  const all: ResultPart[] = [];
  const rows: Row[] = [];
  for await (const part of parts) {
    all.push(part);
    if (part.kind === 'rows') rows.push(...part.rows);
  }
  return { parts: all, rows };
}

describe('streamQuery against MariaDB', () => {
  let pool: SessionPool<PoolConnection>;
  let admin: mysqlPromise.Connection;
  const procedure = `cw_two_sets_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    await requireService('MariaDB', '127.0.0.1', 3306);
    pool = mysqlSessionPool(mysql.createPool({ ...root, connectionLimit: 4 }), { logger, setup: async () => undefined });
    admin = await mysqlPromise.createConnection(root);
    await admin.query(`CREATE PROCEDURE ${procedure}() BEGIN SELECT 1 AS a; SELECT 'x' AS b, 2 AS c; END`);
  });
  afterAll(async () => {
    await admin?.query(`DROP PROCEDURE IF EXISTS ${procedure}`);
    await admin?.end();
    await pool?.end();
  });

  const running = async (tag: string): Promise<number> => {
    const [rows] = await admin.query({ sql: 'SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()', rowsAsArray: true }, [`%${tag}%`]);
    return Number((rows as unknown[][])[0]?.[0]);
  };

  it('reads only what the consumer pulls: the connection pauses on a full batch', async () => {
    const session = await pool.acquire();
    const held = lease(session, pool);
    const received: number[] = [];
    const stream = streamQuery(held, request("SELECT seq, REPEAT('x', 100) FROM seq_1_to_100000", { batchRows: 1000 }), options({ onFetch: (n) => received.push(n) }));
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ kind: 'schema', columns: [{ name: 'seq', type: 'int64', nativeType: 'bigint unsigned' }, { type: 'string' }] });
    await iterator.next();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Two batches handed out; not one more row was taken from the server meanwhile.
    expect(received.at(-1)).toBe(2000);
    let next = 2001;
    let total = 2000;
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      if (step.value.kind !== 'rows') continue;
      expect(step.value.rows.length).toBeLessThanOrEqual(1000);
      expect(step.value.rows[0]?.[0]).toBe(BigInt(next));
      next += step.value.rows.length;
      total += step.value.rows.length;
    }
    expect(total).toBe(100000);
    expect(held.discard).toBe(false);
  });

  it('binds parameters through a prepared statement', async () => {
    const held = lease(await pool.acquire(), pool);
    const parameters = [mysql.TypedParameter.LONGLONG(41n), "it's", null] as ExecuteValues[];
    const { parts, rows } = await collect(streamQuery(held, request('SELECT ? + 1 AS n, ? AS s, ? AS z'), options({ parameters })));
    expect(parts[0]).toMatchObject({ kind: 'schema', columns: [{ name: 'n', type: 'int64' }, { name: 's', type: 'string' }, { name: 'z' }] });
    expect(rows).toEqual([[42n, "it's", null]]);
    expect(held.discard).toBe(false);
  });

  it('on an early return, kills the statement on the server and keeps the session', async () => {
    const tag = `cw_return_${randomBytes(4).toString('hex')}`;
    const kills: Array<[number, string]> = [];
    const session = await pool.acquire();
    const held = lease(session, pool);
    const iterator = streamQuery(held, request(`SELECT seq, REPEAT('x', 100) FROM seq_1_to_1000000 /* ${tag} */`, { batchRows: 500 }), options({ kills }))[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(await running(tag)).toBe(1);
    await iterator.return(undefined);
    expect(kills).toEqual([[session.threadId, 'query']]);
    expect(await running(tag)).toBe(0);
    // The kill showed up as ER_QUERY_INTERRUPTED, so the session went back clean.
    expect(held.discard).toBe(false);
    const again = lease(await pool.acquire(), pool);
    expect((await collect(streamQuery(again, request('SELECT 1'), options()))).rows).toEqual([[1]]);
  });

  it('on abort, rejects with the abort error at once and stops the statement on the server', async () => {
    const tag = `cw_abort_${randomBytes(4).toString('hex')}`;
    const controller = new AbortController();
    const held = lease(await pool.acquire(), pool);
    const done = collect(streamQuery(held, request(`SELECT SLEEP(30) /* ${tag} */`), options({ signal: controller.signal })));
    for (let i = 0; i < 400 && (await running(tag)) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    const started = Date.now();
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'stop'));
    await expect(done).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await running(tag)).toBe(0);
    expect(held.discard).toBe(false);
  });

  it('gives a statement without a result set an empty schema and discards its session', async () => {
    const held = lease(await pool.acquire(), pool);
    const { parts } = await collect(streamQuery(held, request("SET @cw_state = 'changed'"), options()));
    expect(parts).toEqual([{ kind: 'schema', columns: [] }]);
    expect(held.discard).toBe(true);
  });

  it('maps a server error, and the session stays usable', async () => {
    const held = lease(await pool.acquire(), pool);
    await expect(collect(streamQuery(held, request('SELECT * FROM cw_no_such_table_x9'), options()))).rejects.toMatchObject({
      message: expect.stringContaining("doesn't exist"),
      original: { errno: 1146 },
    });
    expect(held.discard).toBe(false);
  });

  it('refuses a second result set', async () => {
    const held = lease(await pool.acquire(), pool);
    await expect(collect(streamQuery(held, request(`CALL ${procedure}()`), options()))).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('more than one result set') });
  });

  it('reads GEOMETRY as the bytes the server stores (SRID + WKB)', async () => {
    const held = lease(await pool.acquire(), pool);
    const { parts, rows } = await collect(streamQuery(held, request("SELECT ST_GeomFromText('POINT(1 2)', 4326) AS g, 'x' AS s"), options()));
    expect(parts[0]).toMatchObject({ columns: [{ type: 'binary', nativeType: 'geometry' }, { type: 'string' }] });
    const bytes = Buffer.from(rows[0]?.[0] as Uint8Array);
    expect(bytes.readUInt32LE(0)).toBe(4326);
    expect(bytes.readDoubleLE(4 + 5)).toBe(1);
    expect(bytes.readDoubleLE(4 + 13)).toBe(2);
    expect(rows[0]?.[1]).toBe('x');
  });
});

// A stand-in for a mysql2 pool connection: commands are event emitters the test drives.
class FakeConnection extends EventEmitter {
  threadId = 7;
  pauses = 0;
  readonly commands: Array<{ kind: 'execute' | 'query'; command: EventEmitter }> = [];
  execute(): EventEmitter {
    return this.add('execute');
  }
  query(): EventEmitter {
    return this.add('query');
  }
  pause(): void {
    this.pauses += 1;
  }
  resume(): void {}
  private add(kind: 'execute' | 'query'): EventEmitter {
    const command = new EventEmitter();
    this.commands.push({ kind, command });
    this.emit('command', command);
    return command;
  }
}

const intField = { name: 'n', columnType: MysqlType.LONG, flags: 0, characterSet: 63, columnLength: 11, decimals: 0 };

describe('streamQuery protocol paths', () => {
  it('runs a statement the server cannot prepare (ER_UNSUPPORTED_PS) again over the text protocol', async () => {
    const connection = new FakeConnection();
    connection.on('command', (command: EventEmitter) => {
      setImmediate(() => {
        if (connection.commands.length === 1) {
          command.emit('error', Object.assign(new Error('This command is not supported in the prepared statement protocol yet'), { errno: 1295, sqlState: 'HY000' }));
          command.emit('end');
        } else {
          command.emit('fields', [intField]);
          command.emit('result', [5]);
          command.emit('end');
        }
      });
    });
    const held = lease(connection as unknown as PoolConnection);
    const { rows } = await collect(streamQuery(held, request('SHOW SOMETHING'), options()));
    expect(connection.commands.map((c) => c.kind)).toEqual(['execute', 'query']);
    expect(rows).toEqual([[5]]);
    expect(held.discard).toBe(false);
  });

  it('does not retry a statement with parameters over the text protocol', async () => {
    const connection = new FakeConnection();
    connection.on('command', (command: EventEmitter) =>
      setImmediate(() => {
        command.emit('error', Object.assign(new Error('not supported'), { errno: 1295, sqlState: 'HY000' }));
        command.emit('end');
      }),
    );
    const held = lease(connection as unknown as PoolConnection);
    await expect(collect(streamQuery(held, request('SHOW ?'), options({ parameters: [1] })))).rejects.toMatchObject({ original: { errno: 1295 } });
    expect(connection.commands).toHaveLength(1);
  });

  it('kills the session and discards it when a killed statement does not end in time', async () => {
    const connection = new FakeConnection();
    connection.on('command', (command: EventEmitter) => setImmediate(() => command.emit('fields', [intField])));
    const kills: string[] = [];
    const controller = new AbortController();
    const held = lease(connection as unknown as PoolConnection);
    const iterator = streamQuery(held, request('SELECT n'), options({ signal: controller.signal, settleTimeoutMs: 100, kill: async (_id, what) => void kills.push(what) }))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ kind: 'schema' });
    const pending = iterator.next();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    expect(kills).toEqual(['query', 'connection']);
    expect(held.discard).toBe(true);
  });

  it('reports a session that fails mid-stream, and discards it', async () => {
    const connection = new FakeConnection();
    connection.on('command', (command: EventEmitter) =>
      setImmediate(() => {
        command.emit('fields', [intField]);
        command.emit('result', [1]);
        connection.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', fatal: true }));
      }),
    );
    const held = lease(connection as unknown as PoolConnection);
    await expect(collect(streamQuery(held, request('SELECT n'), options()))).rejects.toMatchObject({ original: { code: 'ECONNRESET' } });
    expect(held.discard).toBe(true);
  });
});
