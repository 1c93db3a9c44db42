/** A counting gate: at most `capacity` holders at once, waiters served in order, abortable. */
export interface Slots {
  /** Waits for a slot; rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<void>;
  /** Gives a slot back. */
  release(): void;
  /** Slots held now. */
  readonly used: number;
  /** Callers waiting for a slot. */
  readonly waiting: number;
  /** Rejects every waiter and every later acquire with `reason`. */
  close(reason: Error): void;
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/** Creates a gate of `capacity` slots (the data source's connection limit across identities). */
export function createSlots(capacity: number): Slots {
  let used = 0;
  let closed: Error | undefined;
  const waiters: Waiter[] = [];
  return {
    get used() {
      return used;
    },
    get waiting() {
      return waiters.length;
    },
    acquire(signal) {
      if (closed) return Promise.reject(closed);
      if (signal.aborted) return Promise.reject(signal.reason);
      if (used < capacity && waiters.length === 0) {
        used += 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          reject,
          signal,
          onAbort: () => {
            const index = waiters.indexOf(waiter);
            if (index >= 0) waiters.splice(index, 1);
            reject(signal.reason);
          },
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
        waiters.push(waiter);
      });
    },
    release() {
      const next = waiters.shift();
      if (next) {
        next.signal.removeEventListener('abort', next.onAbort);
        next.resolve();
      } else {
        used = Math.max(0, used - 1);
      }
    },
    close(reason) {
      closed = reason;
      for (const waiter of waiters.splice(0)) {
        waiter.signal.removeEventListener('abort', waiter.onAbort);
        waiter.reject(reason);
      }
    },
  };
}
