/** A counting semaphore bounding concurrent jobs; waiters are served in arrival order. */
export interface JobSlots {
  /** Waits for a free slot and returns its release function; rejects with the signal's reason when aborted first. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Slots free now. */
  free(): number;
  /** Calls `listener` after each release (the slot went to a waiter or became free); returns an unsubscribe function. */
  onRelease(listener: () => void): () => void;
}

/** Creates a semaphore of `size` slots. */
export function createJobSlots(size: number): JobSlots {
  let used = 0;
  const waiters: Array<() => void> = [];
  const listeners = new Set<() => void>();
  const release = () => {
    // The slot passes straight to the first waiter: were it freed first, an acquire in the same tick
    // could take it before the waiter resumes, and both would run.
    const next = waiters.shift();
    if (next) next();
    else used--;
    for (const listener of [...listeners]) listener();
  };
  return {
    free: () => Math.max(0, size - used),
    onRelease(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async acquire(signal) {
      signal?.throwIfAborted();
      if (used < size) {
        used++;
      } else {
        await new Promise<void>((resolve, reject) => {
          const go = () => {
            signal?.removeEventListener('abort', abort);
            resolve();
          };
          const abort = () => {
            const i = waiters.indexOf(go);
            if (i >= 0) waiters.splice(i, 1);
            reject(signal?.reason);
          };
          waiters.push(go);
          signal?.addEventListener('abort', abort, { once: true });
        });
      }
      let released = false;
      return () => {
        if (!released) {
          released = true;
          release();
        }
      };
    },
  };
}
