import { isCausewayError, type Logger, type QueryRequest, type ResultPart, type Row, type Value } from '@causeway/sdk';
import { untilAborted as waitUnlessAborted, type PoolLease } from '@causeway/sdk/connectors';
import type { Readable } from 'node:stream';
import type { HanaResultSet, HanaStatement } from './hanaDriver.js';
import { isSessionLost } from './mapHanaError.js';
import { sessionClosedError, type HanaSession } from './openHanaSession.js';
import { isHanaLob, readHanaLob } from './readHanaLob.js';
import { toHanaParameters } from './toHanaParameters.js';
import { columnFor, type HanaTypeMapping } from './typeMap.js';

/** What `streamHanaQuery` needs besides the session and the request. */
export interface StreamHanaQueryOptions {
  /** Aborted on cancel, deadline or close (the caller combines them). */
  signal: AbortSignal;
  /** The error to throw once `signal` has aborted. */
  abortError(): Error;
  /** Maps a driver or server error to a coded error. */
  mapError(error: unknown): Error;
  /** Rows per FETCH round trip. */
  fetchSize: number;
  /** The largest LOB value read (bytes, or characters for CLOB/NCLOB). */
  maxLobBytes: number;
  /** Decodes the CESU-8 bytes of character LOBs. */
  decodeText(bytes: Buffer): string;
  /** How long closing the cursor and dropping the statement may take before the session is discarded. */
  settleTimeoutMs: number;
  logger: Logger;
}

/** True for hdb's result set objects among a statement's results (the others are counts or output parameters). */
export function isHanaResultSet(value: unknown): value is HanaResultSet {
  return typeof value === 'object' && value !== null && typeof (value as HanaResultSet).createArrayStream === 'function' && Array.isArray((value as HanaResultSet).metadata);
}

/**
 * Runs one statement on a leased session and yields its schema, then row batches of
 * `request.batchRows`. Without parameters the statement is executed directly; with parameters it
 * is prepared, its `?` markers bound by the types the server describes, and executed. Rows come
 * from hdb's array stream, which fetches only while its small buffer has room: a consumer that
 * stops pulling stops the FETCH round trips (about two batches are read ahead).
 *
 * hdb cannot cancel a statement, and its `close`/`disconnect` wait for the running one to finish.
 * So on abort (cancel, deadline, data source closing) the session's socket is destroyed at once,
 * even while the consumer is not pulling: the server ends the session and the statement with it,
 * and the session is discarded. An early `return()` closes the cursor and drops the statement
 * instead, and the session goes back to its pool.
 */
export async function* streamHanaQuery(lease: PoolLease<HanaSession>, request: QueryRequest, options: StreamHanaQueryOptions): AsyncGenerator<ResultPart, void, undefined> {
  const { signal } = options;
  const { session } = lease;
  const { client } = session;
  const batchRows = Math.max(1, Math.floor(request.batchRows) || 1);
  let statement: HanaStatement | undefined;
  let resultSets: HanaResultSet[] = [];
  let stream: Readable | undefined;
  let lost = false;
  let finished: Promise<void> | undefined;

  // Idempotent: runs at most once, from the abort listener or from the generator's finally.
  const finish = (): Promise<void> => {
    finished ??= (async () => {
      signal.removeEventListener('abort', onAbort);
      stream?.destroy();
      if (signal.aborted || lost || session.broken) {
        client.destroy(sessionClosedError());
        lease.release(true);
        return;
      }
      const tidy = async (): Promise<void> => {
        for (const resultSet of resultSets) if (!resultSet.closed) await callback((done) => resultSet.close(done));
        const prepared = statement;
        if (prepared) await callback((done) => prepared.drop(done));
      };
      const settled = await settles(tidy(), options.settleTimeoutMs);
      if (!settled || session.broken) {
        client.destroy(sessionClosedError());
        lease.release(true);
      } else {
        lease.release(false);
      }
    })().catch((error: unknown) => {
      options.logger.warn({ err: { message: (error as Error)?.message } }, 'releasing an SAP HANA session failed');
      lease.release(true);
    });
    return finished;
  };
  const onAbort = (): void => void finish();
  signal.addEventListener('abort', onAbort, { once: true });

  // Waits for the driver unless the signal aborts first (then with the connector's abort error).
  const untilAborted = <T>(pending: Promise<T>): Promise<T> => waitUnlessAborted(pending, signal, { reason: options.abortError });

  try {
    if (signal.aborted) throw options.abortError();
    let results: unknown[];
    if (request.parameters.length === 0) {
      results = await untilAborted(callbackAll((done) => client.execute(request.text, done)));
    } else {
      const prepared = await untilAborted(callback<HanaStatement>((done) => client.prepare(request.text, done)));
      statement = prepared;
      const values = toHanaParameters(request.parameters, prepared.parameterMetadata);
      results = await untilAborted(callbackAll((done) => prepared.execute(values, done)));
    }
    resultSets = results.filter(isHanaResultSet);
    const first = resultSets[0];
    if (!first) {
      yield { kind: 'schema', columns: [] };
      return;
    }
    const columns = first.metadata.map(columnFor);
    yield { kind: 'schema', columns: columns.map((c) => c.column) };
    if (signal.aborted) throw options.abortError();

    first.setFetchSize(options.fetchSize);
    // The stream buffers up to four arrays; quarter batches keep that to about one batch.
    stream = first.createArrayStream({ arrayMode: Math.max(2, Math.ceil(batchRows / 4)) });
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<unknown[][]>;
    const convert = rowConverter(columns.map((c) => c.mapping), columns.map((c) => c.column.name), options, untilAborted);
    let pending: unknown[][] = [];
    for (;;) {
      const step = await untilAborted(chunks.next());
      if (!step.done) pending = pending.concat(step.value);
      while (pending.length >= batchRows || (step.done && pending.length > 0)) {
        const batch = pending.slice(0, batchRows);
        pending = pending.slice(batch.length);
        yield { kind: 'rows', rows: await convert(batch) };
        if (signal.aborted) throw options.abortError();
      }
      if (step.done) break;
    }
  } catch (error) {
    if (signal.aborted) throw options.abortError();
    if (!isCausewayError(error) && isSessionLost(error)) lost = true;
    throw options.mapError(error);
  } finally {
    await finish();
  }
}

type UntilAborted = <T>(pending: Promise<T>) => Promise<T>;

// Converts hdb's values to the SDK's forms; LOB values are read (one after the other, on the same session) first.
function rowConverter(mappings: HanaTypeMapping[], names: string[], options: StreamHanaQueryOptions, untilAborted: UntilAborted): (rows: unknown[][]) => Promise<Row[]> {
  const lobColumns = mappings.flatMap((mapping, index) => (mapping.lob ? [index] : []));
  return async (rows) => {
    const converted: Row[] = [];
    for (const row of rows) {
      const values: Value[] = new Array<Value>(mappings.length);
      for (let i = 0; i < mappings.length; i++) {
        const raw = row[i];
        values[i] = raw === null || raw === undefined || (mappings[i] as HanaTypeMapping).lob ? null : (mappings[i] as HanaTypeMapping).convert(raw);
      }
      for (const index of lobColumns) {
        const raw = row[index];
        if (raw === null || raw === undefined) continue;
        const mapping = mappings[index] as HanaTypeMapping;
        if (!isHanaLob(raw) && !Buffer.isBuffer(raw)) {
          values[index] = mapping.convert(raw);
          continue;
        }
        const read = await untilAborted(
          readHanaLob(raw, { kind: mapping.lob ?? 'binary', maxLobBytes: options.maxLobBytes, decodeText: options.decodeText, column: names[index] ?? String(index) }),
        );
        values[index] = mapping.convert(read);
      }
      converted.push(values);
    }
    return converted;
  };
}

function callback<T = void>(start: (done: (error?: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((error, value) => (error ? reject(error) : resolve(value as T)));
  });
}

function callbackAll(start: (done: (error: Error | null, ...results: unknown[]) => void) => void): Promise<unknown[]> {
  return new Promise<unknown[]>((resolve, reject) => {
    start((error, ...results) => (error ? reject(error) : resolve(results)));
  });
}

// True when `work` settles (either way) within `ms`.
function settles(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    work.then(done, done);
  });
}
