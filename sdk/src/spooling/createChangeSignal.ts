/** Wakes the readers of a job spool that wait for new frames. */
export interface ChangeSignal {
  /** Resolves at the next `notify()`, or at once when `signal` is (or becomes) aborted. */
  wait(signal?: AbortSignal): Promise<void>;
  /** Wakes every current waiter. */
  notify(): void;
  /** How many waiters are pending. */
  readonly waiting: number;
}

/** Creates a change signal whose waiters leave no listener behind once woken or aborted. */
export function createChangeSignal(): ChangeSignal {
  const waiters = new Set<() => void>();
  return {
    wait(signal) {
      if (signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const wake = (): void => {
          waiters.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        waiters.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    },
    notify() {
      for (const wake of [...waiters]) wake();
    },
    get waiting() {
      return waiters.size;
    },
  };
}
