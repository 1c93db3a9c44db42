import { ConnectorError, isCausewayError, type Logger, type QueryRequest, type ResultPart, type Row } from '@causeway/sdk';
import type { PoolLease } from '@causeway/sdk/connectors';
import type { Request } from 'tedious';
import type { Tedious } from './loadTedious.js';
import type { SqlSession } from './openSession.js';
import { toSqlParameters, type SqlParameter } from './toSqlParameters.js';
import { columnMapping, type ColumnMapping, type TediousColumnMetadata } from './typeMap.js';

/** What `streamQuery` needs besides the session and the request. */
export interface StreamQueryOptions {
  tedious: Tedious;
  /** Aborted on cancel, deadline or close (the caller combines them). */
  signal: AbortSignal;
  /** The error to throw once `signal` has aborted. */
  abortError(): Error;
  /** Maps a driver or server error to a coded error. */
  mapError(error: unknown): Error;
  /** How long to wait for the server to acknowledge a cancel (ATTENTION) before the session is closed instead. */
  settleTimeoutMs: number;
  /** Called with every row as tedious hands it over, before the consumer sees it (for tests and metrics). */
  onRow?: () => void;
  logger: Logger;
}

/**
 * Runs one batch on a leased session and yields its schema, then row batches of about
 * `request.batchRows`. Pulling is the backpressure: once a batch is full the tedious request is
 * paused (tedious then stops reading its socket once its small buffers fill) and it is resumed only
 * when the consumer asks for the next batch. On abort or an early `return()` a statement still
 * running is cancelled on the server (TDS ATTENTION) and the session is given back once SQL Server
 * acknowledges it; without an acknowledgement within `settleTimeoutMs` the session is closed.
 * Parameters are bound as `@p1`, `@p2`, … (sp_executesql); a batch without parameters goes as a
 * plain SQL batch. A batch that returns a second result set fails with CW_QUERY_FAILED: a query
 * gives one result.
 */
export async function* streamQuery(lease: PoolLease<SqlSession>, request: QueryRequest, options: StreamQueryOptions): AsyncGenerator<ResultPart, void, undefined> {
  const { signal, tedious } = options;
  const { session } = lease;
  const batchRows = Math.max(1, Math.floor(request.batchRows) || 1);

  let parameters: SqlParameter[];
  try {
    parameters = toSqlParameters(request.parameters, tedious.TYPES);
  } catch (error) {
    // Nothing reached the server: the session is clean.
    lease.release(false);
    throw error;
  }

  let mappings: ColumnMapping[] | undefined;
  let rows: Row[] = [];
  let completed = false;
  let failure: unknown;
  let secondResultSet = false;
  let paused = false;
  let wakeUp: (() => void) | undefined;
  const wake = (): void => {
    const resume = wakeUp;
    wakeUp = undefined;
    resume?.();
  };
  let settle!: () => void;
  const completion = new Promise<void>((resolve) => (settle = resolve));

  const driverRequest: Request = new tedious.Request(request.text, (error) => {
    completed = true;
    failure = error ?? undefined;
    settle();
    wake();
  });
  for (const p of parameters) driverRequest.addParameter(p.name, p.type, p.value, p.options);
  driverRequest.on('columnMetadata', (columns) => {
    if (mappings) secondResultSet = true;
    else mappings = (columns as unknown as TediousColumnMetadata[]).map(columnMapping);
    wake();
  });
  driverRequest.on('row', (columns: Array<{ value: unknown }>) => {
    const current = mappings;
    if (!current || secondResultSet) return;
    rows.push(columns.map((column, i) => (current[i] as ColumnMapping).convert(column.value)));
    options.onRow?.();
    if (rows.length >= batchRows) {
      if (!paused) {
        paused = true;
        driverRequest.pause();
      }
      wake();
    }
  });

  let started = false;
  let finished: Promise<void> | undefined;
  // Idempotent: runs from the abort listener or from the generator's finally, whichever is first.
  const finish = (): Promise<void> => {
    finished ??= (async () => {
      signal.removeEventListener('abort', onAbort);
      let discard = false;
      if (started && !completed) {
        // The batch is still running on the server: stop it there (ATTENTION), not just here.
        session.connection.cancel();
        if (!(await settles(completion, options.settleTimeoutMs))) {
          options.logger.warn({ settleTimeoutMs: options.settleTimeoutMs }, 'SQL Server did not acknowledge the cancel in time; closing the session');
          discard = true;
        }
      }
      if (session.broken) discard = true;
      lease.release(discard);
    })().catch((error: unknown) => {
      options.logger.warn({ err: { message: (error as Error)?.message } }, 'releasing a SQL Server session failed');
      lease.release(true);
    });
    return finished;
  };
  const onAbort = (): void => void finish();
  signal.addEventListener('abort', onAbort, { once: true });

  // Resolves on the next driver event; rejects with the abort error if the signal aborts first.
  const nextEvent = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(options.abortError());
        return;
      }
      const stop = (): void => {
        wakeUp = undefined;
        reject(options.abortError());
      };
      signal.addEventListener('abort', stop, { once: true });
      wakeUp = () => {
        signal.removeEventListener('abort', stop);
        resolve();
      };
    });
  const until = async (ready: () => boolean): Promise<void> => {
    while (!ready()) await nextEvent();
  };

  try {
    if (signal.aborted) throw options.abortError();
    started = true;
    if (parameters.length > 0) session.connection.execSql(driverRequest);
    else session.connection.execSqlBatch(driverRequest);
    await until(() => mappings !== undefined || completed);
    if (failure) throw failure;
    yield { kind: 'schema', columns: (mappings ?? []).map((m) => m.column) };
    for (;;) {
      await until(() => rows.length >= batchRows || completed || secondResultSet);
      if (secondResultSet) {
        throw new ConnectorError('CW_QUERY_FAILED', 'the SQL Server batch returned more than one result set; a Causeway query returns one (split the batch into separate queries)');
      }
      if (failure) throw failure;
      if (rows.length > 0) {
        const batch = rows;
        rows = [];
        yield { kind: 'rows', rows: batch };
      }
      if (signal.aborted) throw options.abortError();
      if (completed && rows.length === 0) break;
      if (paused) {
        paused = false;
        driverRequest.resume();
      }
    }
  } catch (error) {
    if (signal.aborted) throw options.abortError();
    throw isCausewayError(error) ? error : options.mapError(error);
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
