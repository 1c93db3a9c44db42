/** A counting semaphore bounding concurrent jobs; waiters are served in arrival order. */
export interface JobSlots {
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Slots free now. */
  free(): number;
}

/** Creates a semaphore of `size` slots. */
export function createJobSlots(size: number): JobSlots {
  let used = 0;
  const waiters: Array<() => void> = [];
  const release = () => {
    used--;
    waiters.shift()?.();
  };
  return {
    free: () => Math.max(0, size - used),
    async acquire(signal) {
      if (used >= size) {
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
      used++;
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
