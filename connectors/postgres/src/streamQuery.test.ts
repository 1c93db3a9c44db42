import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CausewayError, type Logger, type QueryRequest, type ResultPart } from '@causeway/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortError, type PoolLease } from '@causeway/sdk/connectors';
import { mapPgError } from './mapPgError.js';
import { sendCancelRequest } from './sendCancelRequest.js';
import { pgSessionPool } from './pgSessionPool.js';
import { streamQuery, type StreamQueryOptions } from './streamQuery.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const suffix = randomBytes(4).toString('hex');
const sequence = `cw_stream_seq_${suffix}`;

describe('streamQuery', () => {
  const pool = new pg.Pool({ host: '127.0.0.1', database: 'test', user: 'postgres', max: 1 });
  const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });

  pool.on('error', () => undefined);

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create sequence ${sequence}`);
  });
  afterAll(async () => {
    await admin.query(`drop sequence if exists ${sequence}`);
    await admin.end();
    await pool.end();
  });

  async function lease(): Promise<PoolLease<pg.PoolClient>> {
    const client = await pool.connect();
    // As identityPools does for real leases: a leased session's socket errors must have a listener.
    const onError = () => undefined;
    client.on('error', onError);
    return {
      session: client,
      release: (discard) => {
        client.removeListener('error', onError);
        client.release(discard ? new Error('discarded') : undefined);
      },
    };
  }

  function run(
    text: string,
    batchRows: number,
    signal = new AbortController().signal,
    extra: Partial<StreamQueryOptions> = {},
    leased: Promise<PoolLease<pg.PoolClient>> = lease(),
  ) {
    const request: QueryRequest = { text, parameters: [], signal, deadline: undefined, batchRows };
    return leased.then((l) =>
      streamQuery(l, request, {
        signal,
        abortError: () => abortError(signal.reason, undefined, '127.0.0.1:5432'),
        mapError: (error) => mapPgError(error, { phase: 'query', host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' }),
        cancel: (pid, key) => sendCancelRequest({ host: '127.0.0.1', port: 5432 }, pid, key, 5000),
        settleTimeoutMs: 5000,
        logger,
        ...extra,
      }),
    );
  }

  async function activeWithTag(tag: string): Promise<number> {
    const { rows } = await admin.query(
      "select count(*)::int as n from pg_stat_activity where query like $1 and state = 'active' and pid <> pg_backend_pid()",
      [`%${tag}%`],
    );
    return rows[0].n as number;
  }

  async function until(check: () => Promise<boolean> | boolean): Promise<void> {
    for (let i = 0; i < 500 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it('yields the schema, then batches of batchRows', async () => {
    const parts: ResultPart[] = [];
    for await (const part of await run('select g, g::text as t from generate_series(1, 25) g', 10)) parts.push(part);
    expect(parts[0]).toEqual({
      kind: 'schema',
      columns: [
        { name: 'g', type: 'int32', nativeType: 'int4' },
        { name: 't', type: 'string', nativeType: 'text' },
      ],
    });
    const batches = parts.slice(1).map((p) => (p.kind === 'rows' ? p.rows.length : -1));
    expect(batches).toEqual([10, 10, 5]);
    expect(parts.at(-1)).toMatchObject({ rows: [[21, '21'], [22, '22'], [23, '23'], [24, '24'], [25, '25']] });
    expect(pool.idleCount).toBe(1);
  });

  it('sends a small query in two socket writes: parse to execute in one, close and sync in the other', async () => {
    const sessions = pgSessionPool(pool, logger);
    const client = await sessions.acquire();
    const stream = client.connection.stream as Socket;
    const writes: number[] = [];
    const original = { write: stream._write.bind(stream), writev: stream._writev!.bind(stream) };
    stream._write = (chunk: Buffer, encoding, cb) => {
      writes.push(1);
      original.write(chunk, encoding, cb);
    };
    stream._writev = (chunks, cb) => {
      writes.push(chunks.length);
      original.writev(chunks, cb);
    };
    try {
      for (let i = 0; i < 3; i++) {
        writes.length = 0;
        const parts: ResultPart[] = [];
        const leased = Promise.resolve({ session: client, release: () => undefined });
        for await (const part of await run('select $1::int + 1 as n'.replace('$1', String(i)), 100, undefined, {}, leased)) parts.push(part);
        expect(parts[1]).toEqual({ kind: 'rows', rows: [[i + 1]] });
        // pg makes 8 writes (parse, bind, describe, flush, execute, flush; close, sync): two syscalls here.
        expect(writes).toEqual([6, 2]);
      }
    } finally {
      stream._write = original.write;
      stream._writev = original.writev;
      sessions.release(client, false);
    }
  });

  it('yields only a schema for an empty result and for a statement without rows', async () => {
    const empty: ResultPart[] = [];
    for await (const part of await run('select 1 as one where false', 10)) empty.push(part);
    expect(empty).toEqual([{ kind: 'schema', columns: [{ name: 'one', type: 'int32', nativeType: 'int4' }] }]);
    const none: ResultPart[] = [];
    for await (const part of await run('do $$ begin end $$', 10)) none.push(part);
    expect(none).toEqual([{ kind: 'schema', columns: [] }]);
  });

  it('streams 200,000 rows with the server never more than one batch ahead of a slow consumer', async () => {
    const batchRows = 2000;
    let consumed = 0;
    let fetched = 0;
    let maxAhead = 0;
    let maxServerAhead = 0;
    const stream = await run(`select g, nextval('${sequence}') from generate_series(1, 200000) g`, batchRows, undefined, {
      onFetch: (n) => (fetched += n),
    });
    let batches = 0;
    for await (const part of stream) {
      if (part.kind !== 'rows') continue;
      maxAhead = Math.max(maxAhead, fetched - consumed);
      batches += 1;
      if (batches % 10 === 0) {
        // The sequence counts the rows the server has produced so far.
        await new Promise((resolve) => setTimeout(resolve, 5));
        const { rows } = await admin.query(`select last_value::int as produced from ${sequence}`);
        maxServerAhead = Math.max(maxServerAhead, rows[0].produced - consumed);
      }
      consumed += part.rows.length;
    }
    expect(consumed).toBe(200_000);
    expect(maxAhead).toBeLessThanOrEqual(batchRows);
    expect(maxServerAhead).toBeLessThanOrEqual(batchRows);
  });

  it('lets go of each batch once the consumer has moved on', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const yielded: Array<WeakRef<object>> = [];
    let alive = -1;
    for await (const part of await run('select g, g::text from generate_series(1, 40000) g', 1000)) {
      if (part.kind !== 'rows') continue;
      yielded.push(new WeakRef(part.rows));
      if (yielded.length === 30) {
        // WeakRefs hold their target until the current job ends.
        await new Promise((resolve) => setImmediate(resolve));
        gc();
        alive = yielded.slice(0, -1).filter((ref) => ref.deref() !== undefined).length;
      }
    }
    expect(yielded).toHaveLength(40);
    expect(alive).toBe(0);
  });

  it('with readAhead 1 holds at most one batch beyond the one being consumed', async () => {
    const batchRows = 1000;
    let consumed = 0;
    let fetched = 0;
    let maxAhead = 0;
    for await (const part of await run('select g from generate_series(1, 20000) g', batchRows, undefined, { readAhead: 1, onFetch: (n) => (fetched += n) })) {
      if (part.kind !== 'rows') continue;
      await new Promise((resolve) => setTimeout(resolve, 1));
      maxAhead = Math.max(maxAhead, fetched - consumed);
      consumed += part.rows.length;
    }
    expect(consumed).toBe(20_000);
    expect(maxAhead).toBeGreaterThan(batchRows);
    expect(maxAhead).toBeLessThanOrEqual(2 * batchRows);
  });

  it('cancels a statement running on the server mid-stream and keeps the session', async () => {
    const tag = `cw_cancel_${randomBytes(4).toString('hex')}`;
    const controller = new AbortController();
    const stream = await run(`select /* ${tag} */ g, case when g > 1000 then pg_sleep(30) end from generate_series(1, 2000) g`, 500, controller.signal);
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ kind: 'schema' });
    expect((await iterator.next()).value).toMatchObject({ kind: 'rows' });
    expect((await iterator.next()).value).toMatchObject({ kind: 'rows' });
    const blocked = iterator.next();
    await until(async () => (await activeWithTag(tag)) === 1);
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the client'));
    await expect(blocked).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    expect(await activeWithTag(tag)).toBe(0);
    // The server answered the cancel with 57014, so the session is known clean and pooled again.
    expect(pool.totalCount).toBe(1);
    expect(pool.idleCount).toBe(1);
  });

  it('releases the session as soon as it is aborted while the consumer holds a batch', async () => {
    const tag = `cw_idle_abort_${randomBytes(4).toString('hex')}`;
    const controller = new AbortController();
    const stream = await run(`select /* ${tag} */ g from generate_series(1, 100000) g`, 1000, controller.signal);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(pool.idleCount).toBe(0);
    controller.abort(new CausewayError('CW_QUERY_TIMEOUT', 'deadline'));
    await until(() => pool.idleCount === 1);
    expect(pool.idleCount).toBe(1);
    expect(await activeWithTag(tag)).toBe(0);
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CW_QUERY_TIMEOUT' });
  });

  it('closes the cursor and releases the session on an early return', async () => {
    const stream = await run('select g from generate_series(1, 100000) g', 1000);
    let seen = 0;
    for await (const part of stream) {
      if (part.kind === 'rows') seen += part.rows.length;
      if (seen >= 2000) break;
    }
    expect(seen).toBe(2000);
    expect(pool.totalCount).toBe(1);
    expect(pool.idleCount).toBe(1);
    const { rows } = await pool.query('select 1 as one');
    expect(rows[0].one).toBe(1);
  });

  it('cancels a read-ahead in flight on an early return without leaking the session', async () => {
    const stream = await run('select g, case when g > 1000 then pg_sleep(30) end from generate_series(1, 2000) g', 500, undefined, { readAhead: 1 });
    let batches = 0;
    for await (const part of stream) {
      if (part.kind === 'rows') batches += 1;
      if (batches === 2) break;
    }
    expect(pool.waitingCount).toBe(0);
    // max is 1: this would wait forever if the early return had kept the session.
    expect((await pool.query('select 3 as three')).rows[0].three).toBe(3);
  });

  it('reports a session killed mid-stream as CW_CONNECTION_LOST and discards it', async () => {
    const tag = `cw_killed_${randomBytes(4).toString('hex')}`;
    const iterator = (await run(`select /* ${tag} */ g from generate_series(1, 100000) g`, 1000))[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where query like $1 and pid <> pg_backend_pid()', [`%${tag}%`]);
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CW_CONNECTION_LOST', message: expect.stringContaining('127.0.0.1:5432') });
    await until(() => pool.totalCount === 0);
    expect(pool.totalCount).toBe(0);
  });

  it('maps an error raised after some batches and keeps the session usable', async () => {
    const parts: ResultPart[] = [];
    const consume = async () => {
      for await (const part of await run('select 1 / (1200 - g) as q from generate_series(1, 2000) g', 500)) parts.push(part);
    };
    await expect(consume()).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '22012', message: expect.stringContaining('division by zero') });
    expect(parts.map((p) => p.kind)).toEqual(['schema', 'rows', 'rows']);
    expect(pool.idleCount).toBe(1);
    expect((await pool.query('select 2 as two')).rows[0].two).toBe(2);
  });
});
