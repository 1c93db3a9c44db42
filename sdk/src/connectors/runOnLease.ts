import type { QueryRequest, ResultPart } from '../connector.js';
import { abortError } from './abortError.js';
import type { PoolLease } from './createIdentityPools.js';
import { createRunSignal } from './createRunSignal.js';

/** Options of `runOnLease`. */
export interface RunOnLeaseOptions<S> {
  request: QueryRequest;
  /** Aborted when the data source closes. */
  closeSignal: AbortSignal;
  /** `host:port` for messages. */
  where: string;
  /** Checks out a session (usually `pools.acquire(identity, signal)`). */
  acquire(signal: AbortSignal): Promise<PoolLease<S>>;
  /** Maps a failure to check out a session (connect, log on) to a coded error. */
  connectError(error: unknown): Error;
  /** Streams the query on the session; must stop the server-side work when `signal` aborts, throwing `stopped()`. */
  run(lease: PoolLease<S>, control: { signal: AbortSignal; stopped: () => Error }): AsyncIterable<ResultPart>;
}

/**
 * The frame of every connector's `execute`: one signal for the job's cancel, its deadline and the
 * data source closing; a session checked out under that signal (an abort while waiting gives
 * CW_JOB_CANCELLED or CW_QUERY_TIMEOUT, a connect failure the connector's coded error); then the
 * connector's own streaming, with the signal's timer and listeners released however it ends.
 */
export async function* runOnLease<S>(options: RunOnLeaseOptions<S>): AsyncGenerator<ResultPart, void, undefined> {
  const { request, where } = options;
  const run = createRunSignal(request.signal, options.closeSignal, request.deadline);
  const stopped = (): Error => abortError(run.signal.reason, request.deadline, where);
  try {
    if (run.signal.aborted) throw stopped();
    let lease: PoolLease<S>;
    try {
      lease = await options.acquire(run.signal);
    } catch (error) {
      if (run.signal.aborted) throw stopped();
      throw options.connectError(error);
    }
    yield* options.run(lease, { signal: run.signal, stopped });
  } finally {
    run.dispose();
  }
}
