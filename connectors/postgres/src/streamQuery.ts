import type { Logger, QueryRequest, ResultPart, Row } from '@causeway/sdk';
import type { FieldDef, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { corkForTick, untilAborted as waitUnlessAborted, type PoolLease } from '@causeway/sdk/connectors';
import { isSessionLost, sqlState } from './mapPgError.js';
import { toPgParameters } from './toPgParameters.js';
import { columnForField, pgTypeParsers } from './typeMap.js';

/** What `streamQuery` needs besides the session and the request. */
export interface StreamQueryOptions {
  /** Aborted on cancel, deadline or close (the caller combines them). */
  signal: AbortSignal;
  /** The error to throw once `signal` has aborted. */
  abortError(): Error;
  /** Maps a driver or server error to a coded error. */
  mapError(error: unknown): Error;
  /** Asks the server to stop the statement running in backend `processID`; resolves when sent (or given up). */
  cancel(processID: number, secretKey: number): Promise<unknown>;
  /** How long to wait for the server to stop or close the cursor before discarding the session. */
  settleTimeoutMs: number;
  /**
   * Batches read ahead of the consumer. 0 (default): a batch is read only when the consumer pulls
   * it. 1: the next batch is fetched while the consumer handles the current one, which hides a
   * round trip per batch on a slow link at the cost of one more batch in memory.
   */
  readAhead?: 0 | 1;
  /** Called with every batch as it arrives from the server, before the consumer sees it (for tests and metrics). */
  onFetch?: (rows: number) => void;
  logger: Logger;
}

interface Batch {
  rows: Row[];
  fields: FieldDef[];
}

/**
 * Runs one statement on a leased session with a server-side cursor and yields its schema, then
 * row batches of `request.batchRows`. Pulling is the backpressure: at most `readAhead` batches are
 * fetched beyond the one the consumer holds. On abort the running statement is cancelled on the
 * server, the cursor closed and the session returned (or discarded when its state is in doubt),
 * even if the consumer never pulls again; an early `return()` does the same without an error.
 */
export async function* streamQuery(lease: PoolLease<PoolClient>, request: QueryRequest, options: StreamQueryOptions): AsyncGenerator<ResultPart, void, undefined> {
  const { signal } = options;
  const batchRows = Math.max(1, Math.floor(request.batchRows) || 1);
  const readAhead = options.readAhead ?? 0;
  const { processID, secretKey } = lease.session as unknown as { processID: number; secretKey: number };

  let reading: Promise<Batch> | undefined;
  let failed = false;
  let lostSession = false;
  let cancelSent = false;
  let cancelConsumed = false;
  // The last batch came: pg-cursor hands it over only after the server's ReadyForQuery, so the
  // portal is closed and the session idle; no close round trip (and no extra turn) is needed.
  let completed = false;
  let finished: Promise<void> | undefined;

  let cursor: Cursor;
  // Parse, bind, describe and the first execute (read below, in this same step) leave in one write.
  corkForTick(lease.session.connection.stream);
  try {
    cursor = lease.session.query(new Cursor(request.text, toPgParameters(request.parameters) as unknown[], { rowMode: 'array', types: pgTypeParsers }));
  } catch (error) {
    // Nothing reached the server (a parameter could not be converted): the session is clean.
    lease.release(false);
    throw options.mapError(error);
  }

  const read = (): Promise<Batch> => {
    const pending = new Promise<Batch>((resolve, reject) => {
      cursor.read(batchRows, (error, rows, result) => {
        reading = undefined;
        if (error) {
          failed = true;
          if (cancelSent && sqlState(error) === '57014') cancelConsumed = true;
          else if (isSessionLost(error)) lostSession = true;
          reject(error);
          return;
        }
        if (rows.length < batchRows) completed = true;
        options.onFetch?.(rows.length);
        resolve({ rows: rows as Row[], fields: result.fields });
      });
    });
    // Observed by the loop or by finish(); never an unhandled rejection.
    pending.catch(() => undefined);
    reading = pending;
    return pending;
  };

  // Idempotent: runs at most once, from the abort listener or from the generator's finally.
  const finish = (): Promise<void> => {
    finished ??= (async () => {
      signal.removeEventListener('abort', onAbort);
      let discard = false;
      const running = reading;
      if (running) {
        // A statement is running on the server: stop it there, not just here.
        cancelSent = true;
        await options.cancel(processID, secretKey);
        if (!(await settles(running, options.settleTimeoutMs))) {
          // The server did not answer in time: drop the socket instead of waiting on it.
          lease.session.connection.stream.destroy();
          discard = true;
        }
      }
      // A cancel that did not show up as 57014 may still hit the session's next statement.
      if (lostSession || (cancelSent && !cancelConsumed)) discard = true;
      if (!discard && !failed && !completed) {
        if (!(await settles(cursor.close(), options.settleTimeoutMs))) {
          lease.session.connection.stream.destroy();
          discard = true;
        }
      }
      lease.release(discard);
    })().catch((error: unknown) => {
      options.logger.warn({ err: error }, 'releasing a PostgreSQL session failed');
      lease.release(true);
    });
    return finished;
  };
  const onAbort = (): void => void finish();

  signal.addEventListener('abort', onAbort, { once: true });

  // Waits for the driver unless the signal aborts first (then with the connector's abort error).
  const untilAborted = (pending: Promise<Batch>): Promise<Batch> => waitUnlessAborted(pending, signal, { reason: options.abortError });

  try {
    if (signal.aborted) throw options.abortError();
    let batch = await untilAborted(read());
    yield { kind: 'schema', columns: batch.fields.map(columnForField) };
    for (;;) {
      const more = batch.rows.length === batchRows;
      const ahead = more && readAhead > 0 ? read() : undefined;
      if (batch.rows.length > 0) yield { kind: 'rows', rows: batch.rows };
      if (signal.aborted) throw options.abortError();
      if (!more) break;
      batch = await untilAborted(ahead ?? read());
    }
  } catch (error) {
    if (signal.aborted) throw options.abortError();
    throw options.mapError(error);
  } finally {
    await finish();
  }
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
