import { packJobFrame, readFrameHeader } from '@causeway/protocol';
import { CausewayError, type FrameSource, type JobDelivery, type Logger } from '@causeway/sdk';

/** One job on the gateway side of the link: the delivery the host answers, driven by the relay's messages. */
export interface JobResponder {
  /** What the host receives in `onJob`. */
  readonly delivery: JobDelivery;
  /** True once the relay is finished with the job (or the link closed). */
  readonly finished: boolean;
  /** The relay allows reading from `nextSeq` on the current connection (a new job, or a resume). */
  start(nextSeq: number): void;
  /** The connection was lost; stop sending until the next `start`. */
  interrupt(): void;
  /** Cumulative credit: frames with `seq < untilSeq` may be sent. */
  credit(untilSeq: number): void;
  /** The relay's client has taken every frame up to `seq`. */
  ack(seq: number): void;
  /** The relay forgot the job; `respond` resolves. */
  done(): void;
  /** The link closed; `respond` rejects with `error`. */
  fail(error: Error): void;
}

/** What a responder needs from its link. */
export interface JobResponderOptions {
  jobId: string;
  body: unknown;
  logger: Logger;
  /** Sends a binary message on the current connection; resolves when the socket can take more. */
  send(message: Buffer): Promise<void>;
  /** Called once when the job is finished, so the link can forget it. */
  onFinished(): void;
}

// Internal control-flow markers, never seen outside this file.
const INTERRUPTED = new Error('relay connection interrupted');
const FINISHED = new Error('job finished');
// The reason every read of the frame source is stopped with. Readers only look at `aborted`; a
// shared reason spares building a DOMException (with its stack) for each job.
const READ_STOPPED = new Error('frame source read stopped');

function isLastFrame(data: Uint8Array): boolean {
  const { type } = readFrameHeader(data);
  return type === 'end' || type === 'error';
}

/**
 * Creates the responder of one job. Its pump reads the host's frame source from the relay's
 * `nextSeq`, sends a frame only under credit, and starts over from the relay's resume point after a
 * reconnect, so a dropped connection costs a re-read of the spool, never a re-run of the query.
 */
export function createJobResponder(options: JobResponderOptions): JobResponder {
  const { jobId, logger } = options;
  let generation = 0;
  let running = false;
  let nextSeq = 0;
  let untilSeq = 0;
  let lastSeq: number | undefined;
  let finished = false;
  let failure: Error | undefined;
  let source: FrameSource | undefined;
  let readAbort: AbortController | undefined;
  let ackChain: Promise<void> = Promise.resolve();
  let settle: { resolve(): void; reject(error: Error): void } | undefined;

  let wake: () => void = () => undefined;
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const notify = (): void => {
    const previous = wake;
    changed = new Promise<void>((resolve) => (wake = resolve));
    previous();
  };

  const waitUntil = async (condition: () => boolean, gen: number): Promise<void> => {
    for (;;) {
      if (failure) throw failure;
      if (finished) throw FINISHED;
      if (gen !== generation || !running) throw INTERRUPTED;
      if (condition()) return;
      await changed;
    }
  };

  const finish = (): void => {
    if (finished || failure) return;
    finished = true;
    readAbort?.abort(READ_STOPPED);
    notify();
    options.onFinished();
    // Acknowledgements already received reach the source before the host hears the job is delivered.
    void ackChain.then(() => settle?.resolve());
  };

  const pump = async (src: FrameSource): Promise<void> => {
    for (;;) {
      while (!running && !finished && !failure) await changed;
      if (failure) throw failure;
      if (finished) return;
      const gen = generation;
      const abort = new AbortController();
      readAbort = abort;
      try {
        for await (const frame of src.read(nextSeq, abort.signal)) {
          if (frame.seq < nextSeq) continue;
          await waitUntil(() => frame.seq < untilSeq, gen);
          const last = isLastFrame(frame.data);
          try {
            await options.send(packJobFrame(jobId, frame.data));
          } catch {
            // The socket is going away; its close event interrupts this generation.
            await waitUntil(() => false, gen);
          }
          if (gen !== generation) throw INTERRUPTED;
          nextSeq = frame.seq + 1;
          if (last) {
            lastSeq = frame.seq;
            break;
          }
        }
        // Everything is sent: wait for the relay's done, its last ack, or a resume after a reconnect.
        await waitUntil(() => false, gen);
      } catch (error) {
        if (error === FINISHED) return;
        if (error === INTERRUPTED || (abort.signal.aborted && (finished || failure !== undefined || gen !== generation))) continue;
        throw error;
      } finally {
        abort.abort(READ_STOPPED);
      }
    }
  };

  const delivery: JobDelivery = {
    jobId,
    body: options.body,
    respond(results) {
      if (source) return Promise.reject(new CausewayError('CW_INTERNAL', `respond() was called twice for job ${jobId}`));
      source = results;
      return new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
        if (failure) return reject(failure);
        if (finished) return void ackChain.then(resolve);
        pump(results).catch((error: unknown) => {
          if (finished) return;
          const err = error instanceof Error ? error : new Error(String(error));
          logger.warn({ jobId, error: err.message }, 'reading the job results failed');
          failure ??= err;
          reject(failure);
        });
      });
    },
  };

  return {
    delivery,
    get finished() {
      return finished || failure !== undefined;
    },
    start(from) {
      generation++;
      running = true;
      nextSeq = from;
      if (lastSeq !== undefined && from <= lastSeq) lastSeq = undefined;
      readAbort?.abort(READ_STOPPED);
      notify();
    },
    interrupt() {
      generation++;
      running = false;
      readAbort?.abort(READ_STOPPED);
      notify();
    },
    credit(seq) {
      if (seq <= untilSeq) return;
      untilSeq = seq;
      notify();
    },
    ack(seq) {
      const src = source;
      if (src) {
        ackChain = ackChain
          .then(() => src.acknowledge(seq))
          .catch((error: unknown) => logger.warn({ jobId, seq, error: (error as Error).message }, 'the frame source failed to take an acknowledgement'));
      }
      if (lastSeq !== undefined && seq >= lastSeq) finish();
    },
    done: finish,
    fail(error) {
      if (finished || failure) return;
      failure = error;
      readAbort?.abort(READ_STOPPED);
      notify();
      options.onFinished();
      settle?.reject(error);
    },
  };
}
