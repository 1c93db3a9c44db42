import { ConnectorError, type Logger, type QueryRequest, type ResultPart, type Row } from '@causeway/sdk';
import { untilAborted as waitUnlessAborted, type PoolLease } from '@causeway/sdk/connectors';
import { isBreakError, isSessionLost, oracleServerCode } from './mapOracleError.js';
import type { OracleConnection, OracleDbTypes, OracleResultSet } from './oracleDriver.js';
import { readLobValues, type LobColumn } from './readLobValues.js';
import { toOracleBinds } from './toOracleBinds.js';
import { createFetchTypeHandler, planColumns } from './typeMap.js';

/** What `streamQuery` needs besides the session and the request. */
export interface StreamQueryOptions {
  /** Aborted on cancel, deadline or close (the caller combines them). */
  signal: AbortSignal;
  /** The error to throw once `signal` has aborted. */
  abortError(): Error;
  /** Maps a driver or server error to a coded error. */
  mapError(error: unknown): Error;
  types: OracleDbTypes;
  /** `oracledb.OUT_FORMAT_ARRAY`. */
  outFormatArray: number;
  /** Rows per fetch round trip; default (and at most) `request.batchRows`. */
  fetchArraySize?: number;
  /** Largest LOB value read (characters or bytes). */
  maxLobSize: number;
  /** oracledb `callTimeout` for every round trip of this query (0: none). */
  callTimeoutMs: number;
  /** How long to wait for a broken statement or a closing cursor before discarding the session. */
  settleTimeoutMs: number;
  /** Called with the size of every fetch as it arrives, before the consumer sees it (for tests and metrics). */
  onFetch?: (rows: number) => void;
  logger: Logger;
}

type Outcome = 'ok' | 'failed' | 'timeout';

// How `work` ends within `ms`.
function outcome(work: Promise<unknown>, ms: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve('ok');
      },
      () => {
        clearTimeout(timer);
        resolve('failed');
      },
    );
  });
}

/**
 * Runs one statement on a leased session and yields its schema, then row batches of
 * `request.batchRows`, read through an oracledb ResultSet: each pull of the consumer makes the
 * `getRows` calls for one batch, so the server produces rows only as fast as they are consumed
 * (the execute prefetches one fetch). On abort the statement running on the server is interrupted
 * with `connection.break()` (it fails with ORA-01013), then the cursor is closed and the session
 * returned, even if the consumer never pulls again; an early `return()` does the same. A session
 * whose state is in doubt (the break did not show up as ORA-01013, the call did not end in time,
 * the connection failed) is dropped instead of pooled.
 */
export async function* streamQuery(lease: PoolLease<OracleConnection>, request: QueryRequest, options: StreamQueryOptions): AsyncGenerator<ResultPart, void, undefined> {
  const { signal } = options;
  const connection = lease.session;
  const batchRows = Math.max(1, Math.floor(request.batchRows) || 1);
  const fetchSize = Math.max(1, Math.min(Math.floor(options.fetchArraySize ?? batchRows), batchRows));

  let inFlight: Promise<unknown> | undefined;
  let breakSent = false;
  let breakSeen = false;
  let lost = false;
  let resultSet: OracleResultSet | undefined;
  let finished: Promise<void> | undefined;

  // Every driver call goes through here, so an abort knows whether a statement runs on the server.
  const call = <T>(work: () => Promise<T>): Promise<T> => {
    const pending: Promise<T> = Promise.resolve()
      .then(work)
      .then(
        (value) => {
          if (inFlight === pending) inFlight = undefined;
          return value;
        },
        (error: unknown) => {
          if (inFlight === pending) inFlight = undefined;
          if (breakSent && isBreakError(error)) breakSeen = true;
          else if (isSessionLost(error)) lost = true;
          throw error;
        },
      );
    // Observed by the loop or by finish(); never an unhandled rejection.
    pending.catch(() => undefined);
    inFlight = pending;
    return pending;
  };

  // Idempotent: runs at most once, from the abort listener or from the generator's finally.
  const finish = (): Promise<void> => {
    finished ??= (async () => {
      signal.removeEventListener('abort', onAbort);
      let discard = false;
      const running = inFlight;
      if (running) {
        // A statement is running on the server: interrupt it there, not just here.
        breakSent = true;
        if ((await outcome(connection.break(), options.settleTimeoutMs)) !== 'ok') discard = true;
        if ((await outcome(running, options.settleTimeoutMs)) === 'timeout') discard = true;
      }
      // A break that did not surface as ORA-01013 may still hit the session's next call.
      if (lost || (breakSent && !breakSeen)) discard = true;
      const cursor = resultSet;
      resultSet = undefined;
      if (cursor && !discard && (await outcome(cursor.close(), options.settleTimeoutMs)) !== 'ok') discard = true;
      lease.release(discard);
    })().catch((error: unknown) => {
      options.logger.warn({ err: { message: (error as Error)?.message, code: oracleServerCode(error) } }, 'releasing an Oracle session failed');
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
    connection.callTimeout = options.callTimeoutMs;
    const binds = toOracleBinds(request.parameters, options.types, connection.oracleServerVersion);
    const result = await untilAborted(
      call(() =>
        connection.execute(request.text, binds, {
          resultSet: true,
          outFormat: options.outFormatArray,
          fetchArraySize: fetchSize,
          prefetchRows: fetchSize,
          fetchTypeHandler: createFetchTypeHandler(options.types),
          autoCommit: true,
        }),
      ),
    );
    resultSet = result.resultSet;
    const cursor = resultSet;
    if (!cursor) {
      // DML, DDL or PL/SQL: no rows.
      yield { kind: 'schema', columns: [] };
      return;
    }
    const plans = planColumns(cursor.metaData, options.types);
    const unsupported = plans.find((plan) => plan.unsupported);
    if (unsupported) {
      throw new ConnectorError(
        'CW_QUERY_FAILED',
        `column "${unsupported.column.name}" is of type ${unsupported.column.nativeType}, which the Oracle connector cannot return; convert it in the query (e.g. with TO_CHAR or JSON_OBJECT)`,
      );
    }
    const lobColumns: LobColumn[] = [];
    plans.forEach((plan, index) => {
      if (plan.lob) lobColumns.push({ index, name: plan.column.name, kind: plan.lob });
    });
    const readLob = { maxLobSize: options.maxLobSize, read: (lob: { getData(): Promise<string | Buffer | null> }) => untilAborted(call(() => lob.getData())) };

    yield { kind: 'schema', columns: plans.map((plan) => plan.column) };
    for (;;) {
      let batch: unknown[][] = [];
      let ended = false;
      while (batch.length < batchRows) {
        const rows = await untilAborted(call(() => cursor.getRows(Math.min(fetchSize, batchRows - batch.length))));
        options.onFetch?.(rows.length);
        if (rows.length === 0) {
          ended = true;
          break;
        }
        await readLobValues(rows, lobColumns, readLob);
        if (batch.length === 0) batch = rows;
        else for (const row of rows) batch.push(row);
      }
      if (batch.length > 0) yield { kind: 'rows', rows: batch as Row[] };
      if (signal.aborted) throw options.abortError();
      if (ended) break;
    }
  } catch (error) {
    if (signal.aborted) throw options.abortError();
    throw options.mapError(error);
  } finally {
    await finish();
  }
}
