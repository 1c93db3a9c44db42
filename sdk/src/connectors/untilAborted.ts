/** How `untilAborted` ends a wait the signal cut short. */
export interface UntilAbortedOptions<T> {
  /** The error to reject with when the signal aborts (default: the signal's reason). */
  reason?: () => unknown;
  /** Receives a value `work` produces after the wait was given up (a session to hand back, say). */
  late?: (value: T) => void;
}

/**
 * Settles like `work`, or rejects as soon as `signal` aborts (at once if it already has). The abort
 * listener goes when `work` settles, so many waits on one long-lived signal hold nothing; not
 * `Promise.race` with one abort promise, which would keep every raced value alive. `work` is always
 * observed: after an abort its failure is dropped and its value goes to `late`, if given.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, options: UntilAbortedOptions<T> = {}): Promise<T> {
  if (!signal) return work;
  const reason = options.reason ?? (() => signal.reason);
  const late = options.late;
  if (signal.aborted) {
    work.then(late, () => undefined);
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    let abandoned = false;
    const onAbort = (): void => {
      abandoned = true;
      reject(reason());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (abandoned) late?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!abandoned) reject(error);
      },
    );
  });
}
