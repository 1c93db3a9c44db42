import { CausewayError, isCausewayError } from '@causeway/sdk';
import { untilAborted } from '@causeway/sdk/connectors';

/** The error to throw for an aborted signal: its reason when that is a coded error (the host's deadline or cancel), else CW_JOB_CANCELLED. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return isCausewayError(reason) ? reason : new CausewayError('CW_JOB_CANCELLED', 'the user mapping was cancelled', { cause: reason });
}

/** Settles like `promise`, or rejects with `abortReason(signal)` as soon as the signal aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return untilAborted(promise, signal, { reason: () => abortReason(signal) });
}
