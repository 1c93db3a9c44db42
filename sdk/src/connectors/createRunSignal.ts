import { setMaxListeners } from 'node:events';
import { ConnectorError } from '../errors.js';

/** One query's abort signal and the means to let go of its listeners and timer. */
export interface RunSignal {
  signal: AbortSignal;
  dispose(): void;
}

// setTimeout cannot wait longer than this; a later deadline is left to the host's signal.
const maxTimerMs = 2 ** 31 - 1;

/**
 * Combines the job's signal, the data source's close signal and the job's deadline into one
 * signal. The deadline gets its own timer so the query stops on time even if the caller's signal
 * only covers cancellation.
 */
export function createRunSignal(jobSignal: AbortSignal, closeSignal: AbortSignal, deadline: number | undefined): RunSignal {
  // The data source's close signal holds one listener per running query, each removed by dispose():
  // 64 concurrent jobs are not a leak, and Node's warning past 10 listeners would tell admins so.
  setMaxListeners(0, closeSignal);
  const controller = new AbortController();
  const sources = [jobSignal, closeSignal];
  const listeners = sources.map((source) => {
    const listener = (): void => controller.abort(source.reason);
    if (source.aborted) listener();
    else source.addEventListener('abort', listener, { once: true });
    return listener;
  });
  let timer: NodeJS.Timeout | undefined;
  if (deadline !== undefined && !controller.signal.aborted) {
    const wait = deadline - Date.now();
    const expire = (): void => controller.abort(new ConnectorError('CW_QUERY_TIMEOUT', 'the job deadline passed'));
    if (wait <= 0) expire();
    else if (wait <= maxTimerMs) {
      timer = setTimeout(expire, wait);
      timer.unref();
    }
  }
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      sources.forEach((source, i) => source.removeEventListener('abort', listeners[i] as () => void));
    },
  };
}
