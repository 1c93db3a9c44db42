import { ConnectorError, type Column, type Logger, type QueryRequest, type ResultPart, type Row } from '@causeway/sdk';
import type { PoolLease } from '@causeway/sdk/connectors';
import type { ExecuteValues, PoolConnection, Query } from 'mysql2';
import { isSessionLost, queryInterrupted, serverErrno, unsupportedPreparedStatement } from './mapMysqlError.js';
import { createRowConverter, rawBytesTypeCast, readFieldsAsBytes, type MysqlField, type RowConverter, type TypeMapOptions } from './typeMap.js';

/** What `streamQuery` needs besides the session and the request. */
export interface StreamQueryOptions {
  /** Aborted on cancel, deadline or close (the caller combines them). */
  signal: AbortSignal;
  /** The error to throw once `signal` has aborted. */
  abortError(): Error;
  /** Maps a driver or server error to a coded error. */
  mapError(error: unknown): Error;
  /** The request's parameters, converted for mysql2 (`toMysqlParameters`). */
  parameters: ExecuteValues[];
  /**
   * Stops the work of session `threadId` from another connection: `query` sends KILL QUERY (the
   * session survives), `connection` KILL CONNECTION. Resolves when done or given up; never rejects.
   */
  kill(threadId: number, what: 'query' | 'connection'): Promise<unknown>;
  /** How long to wait for a killed statement to end before the session is killed and dropped. */
  settleTimeoutMs: number;
  typeMap: TypeMapOptions;
  /** Called with the number of rows received from the server so far, each time a batch fills and at the end (for tests and metrics). */
  onFetch?: (rowsReceived: number) => void;
  logger: Logger;
}

/**
 * Runs one statement on a leased session and yields its schema, then row batches of
 * `request.batchRows`.
 *
 * The statement is a server-side prepared statement (`execute`) whether or not it has parameters:
 * parameters are then bound by the server and never spliced into SQL text, so neither the
 * session's sql_mode (NO_BACKSLASH_ESCAPES) nor its character set can turn a value into SQL; and
 * the binary protocol carries FLOAT exactly, where the text protocol prints 6 significant digits.
 * The price is one PREPARE round trip the first time a text runs on a session (mysql2 keeps an
 * LRU of prepared statements per session). A statement MySQL cannot prepare (ER_UNSUPPORTED_PS)
 * is run again through the text protocol when it has no parameters.
 *
 * Pulling is the backpressure: once a batch is full the connection is paused (mysql2 stops
 * reading the socket, so TCP flow control stops the server) and it resumes only when the consumer
 * asks for the next batch; at most one batch and one socket read wait in memory. On abort or an
 * early `return()` while the statement runs, KILL QUERY stops it on the server, the rest of the
 * result is drained until the server reports the interruption, and the session goes back to the
 * pool; when in doubt (no interruption seen, the session failed, or the statement did not end
 * within `settleTimeoutMs`, which also sends KILL CONNECTION) it is discarded. A statement that
 * returns no result set (SET, USE, BEGIN, LOCK TABLES, CREATE TEMPORARY TABLE ...) may have
 * changed the session, so its session is discarded too rather than handed to the next job.
 */
export async function* streamQuery(lease: PoolLease<PoolConnection>, request: QueryRequest, options: StreamQueryOptions): AsyncGenerator<ResultPart, void, undefined> {
  const { signal } = options;
  const connection = lease.session;
  const threadId = connection.threadId;
  const batchRows = Math.max(1, Math.floor(request.batchRows) || 1);

  let command: Query | undefined;
  let converter: RowConverter | undefined;
  let columns: Column[] | undefined;
  let resultSets = 0;
  let noResultSet = false;
  let batch: Row[] = [];
  const ready: Row[][] = [];
  let received = 0;
  let paused = false;
  let done = false;
  let failure: unknown;
  let sessionLost = false;
  let draining = false;
  let doubt = false;
  let cancelSent = false;
  let cancelConsumed = false;
  let retryAsText = false;
  let wake: (() => void) | undefined;
  let markSettled!: () => void;
  const settled = new Promise<void>((resolve) => (markSettled = resolve));
  let finished: Promise<void> | undefined;

  const notify = (): void => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const fail = (error: unknown): void => {
    if (failure === undefined) failure = error;
    notify();
  };
  const markDone = (): void => {
    done = true;
    markSettled();
    notify();
  };

  function onFields(fields: MysqlField[] | undefined): void {
    resultSets += 1;
    if (resultSets > 1) {
      if (fields && !draining) fail(new ConnectorError('CW_QUERY_FAILED', 'the statement returned more than one result set; a job streams one'));
      return;
    }
    if (!fields) {
      columns = [];
      noResultSet = true;
      return;
    }
    // Over the binary protocol, dates are formatted from their raw bytes (cheaper than mysql2's strings).
    converter = createRowConverter(fields, options.typeMap, { binaryDateTimes: command !== undefined && !isText(command) });
    columns = converter.columns;
    // mysql2 compiles the row parser right after this event, from the command's options and these fields.
    readFieldsAsBytes(fields, converter.rawDateTimes);
    if (converter.needsRawBytes) {
      const commandOptions = (command as unknown as { options?: { typeCast?: unknown } }).options;
      if (commandOptions) commandOptions.typeCast = rawBytesTypeCast;
      else fail(new ConnectorError('CW_QUERY_FAILED', 'this mysql2 version cannot read GEOMETRY or VECTOR columns as bytes'));
    }
    notify();
  }

  function onResult(row: unknown): void {
    if (draining || resultSets !== 1 || !converter || !Array.isArray(row)) return;
    received += 1;
    batch.push(converter.convert(row));
    if (batch.length >= batchRows) {
      ready.push(batch);
      batch = [];
      options.onFetch?.(received);
      if (!paused) {
        paused = true;
        connection.pause();
      }
      notify();
    }
  }

  function onError(error: unknown): void {
    const errno = serverErrno(error);
    if (cancelSent && errno === queryInterrupted) {
      cancelConsumed = true;
      return;
    }
    if (isSessionLost(error)) sessionLost = true;
    if (draining) {
      doubt = true;
      return;
    }
    if (command && !retryAsText && resultSets === 0 && errno === unsupportedPreparedStatement && options.parameters.length === 0 && !isText(command)) {
      retryAsText = true;
      return;
    }
    fail(error);
  }

  function onEnd(): void {
    if (retryAsText && !draining) {
      retryAsText = false;
      start(true);
      return;
    }
    if (batch.length > 0 && !draining) {
      ready.push(batch);
      batch = [];
    }
    options.onFetch?.(received);
    markDone();
  }

  // mysql2 reports a failed session (network error, server gone) on the connection, not the command.
  function onConnectionError(error: unknown): void {
    sessionLost = true;
    if (!draining) fail(error);
    markDone();
  }

  const textCommands = new WeakSet<object>();
  function isText(current: Query): boolean {
    return textCommands.has(current);
  }

  function start(asText: boolean): void {
    const statement = { sql: request.text, rowsAsArray: true };
    const next = asText ? connection.query(statement) : connection.execute(statement, options.parameters);
    if (asText) textCommands.add(next);
    command = next;
    next.on('fields', onFields as (fields: unknown) => void);
    next.on('result', onResult);
    next.on('error', onError);
    next.on('end', onEnd);
  }

  // Idempotent: runs at most once, from the abort listener or from the generator's finally.
  const finish = (): Promise<void> => {
    finished ??= (async () => {
      signal.removeEventListener('abort', onAbort);
      draining = true;
      ready.length = 0;
      batch = [];
      let discard = noResultSet;
      if (command && !done) {
        // The statement is still running on the server: stop it there, not just here.
        cancelSent = true;
        await options.kill(threadId, 'query');
        paused = false;
        connection.resume();
        if (!(await settles(settled, options.settleTimeoutMs))) {
          options.logger.warn({ threadId }, 'a killed MySQL statement did not end in time; killing its session');
          await options.kill(threadId, 'connection');
          discard = true;
        }
      }
      // A KILL that did not show up as ER_QUERY_INTERRUPTED may be pending for the next statement.
      if (sessionLost || doubt || (cancelSent && !cancelConsumed)) discard = true;
      connection.removeListener('error', onConnectionError);
      lease.release(discard);
    })().catch((error: unknown) => {
      options.logger.warn({ err: error }, 'releasing a MySQL session failed');
      connection.removeListener('error', onConnectionError);
      lease.release(true);
    });
    return finished;
  };
  const onAbort = (): void => void finish();

  // Waits for the next event from the server unless the signal aborts first.
  const nextEvent = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const stop = (): void => {
        wake = undefined;
        reject(options.abortError());
      };
      signal.addEventListener('abort', stop, { once: true });
      wake = () => {
        signal.removeEventListener('abort', stop);
        resolve();
      };
    });

  signal.addEventListener('abort', onAbort, { once: true });
  connection.on('error', onConnectionError);
  try {
    if (signal.aborted) throw options.abortError();
    start(false);
    while (columns === undefined && failure === undefined && !done) await nextEvent();
    if (failure !== undefined) throw failure;
    yield { kind: 'schema', columns: columns ?? [] };
    for (;;) {
      if (signal.aborted) throw options.abortError();
      if (failure !== undefined) throw failure;
      const rows = ready.shift();
      if (rows) {
        yield { kind: 'rows', rows };
        continue;
      }
      if (done) break;
      if (paused) {
        // The consumer asked for more: read on (this may fill the next batch synchronously).
        paused = false;
        connection.resume();
        continue;
      }
      await nextEvent();
    }
  } catch (error) {
    if (signal.aborted) throw options.abortError();
    throw options.mapError(error);
  } finally {
    await finish();
  }
}

// True when `work` settles within `ms`.
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
