import { CausewayError, type JobSpool, type SpooledFrame } from '@causeway/sdk';
import { createChangeSignal } from '@causeway/sdk/spooling';

/**
 * A job spool that keeps a small result in memory and opens the spooler's spool only when the
 * frames pass `limitBytes`, then moves them into it in order. Most lookups return a few hundred
 * bytes; for them the disk spooler's folder, segment file, writes, read-back and removal (about
 * ten file operations, each a thread-pool hop on the job's critical path) buy nothing. Readers,
 * acknowledgements and resumes behave the same before and after the move.
 */
export function createSmallResultSpool(openSpool: () => Promise<JobSpool>, limitBytes: number): JobSpool {
  const frames: SpooledFrame[] = [];
  const changed = createChangeSignal();
  let bytes = 0;
  let acknowledged = -1;
  let sealed = false;
  let discarded = false;
  let real: JobSpool | undefined;
  let moving: Promise<JobSpool> | undefined;

  // Opens the real spool and appends the held frames (seq 0, 1, ...) and the acknowledgement so far.
  const move = (): Promise<JobSpool> =>
    (moving ??= (async () => {
      const spool = await openSpool();
      for (const frame of frames) await spool.append(frame);
      if (acknowledged >= 0) await spool.acknowledge(acknowledged);
      real = spool;
      frames.length = 0;
      bytes = 0;
      changed.notify();
      return spool;
    })());

  async function* readFrames(fromSeq: number, signal: AbortSignal | undefined): AsyncGenerator<SpooledFrame> {
    let next = fromSeq;
    while (!signal?.aborted) {
      if (moving) {
        const spool = await moving;
        yield* spool.read(next, signal);
        return;
      }
      if (next < frames.length) {
        const frame = frames[next]!;
        next += 1;
        yield frame;
        continue;
      }
      if (sealed || discarded) return;
      await changed.wait(signal);
    }
  }

  return {
    async append(frame) {
      if (moving) return (await moving).append(frame);
      if (bytes + frame.data.byteLength > limitBytes) {
        const spool = await move();
        return spool.append(frame);
      }
      // A frame's seq is its index, as in every spool: the producer appends 0, 1, 2, ...
      if (frame.seq !== frames.length) throw new CausewayError('CW_SPOOL_IO', `append expected frame seq ${frames.length}, got ${frame.seq}`);
      frames.push({ seq: frame.seq, data: frame.data });
      bytes += frame.data.byteLength;
      changed.notify();
    },

    async seal() {
      sealed = true;
      if (moving) await (await moving).seal();
      changed.notify();
    },

    read(fromSeq, signal) {
      return readFrames(fromSeq, signal);
    },

    async acknowledge(seq) {
      if (seq > acknowledged) acknowledged = seq;
      if (moving) await (await moving).acknowledge(seq);
    },

    async discard() {
      discarded = true;
      frames.length = 0;
      bytes = 0;
      changed.notify();
      // A move that failed has nothing to free; its error already went to the producer.
      if (moving) await moving.then((spool) => spool.discard(), () => undefined);
    },

    stats() {
      if (real) return real.stats();
      return { appended: frames.length, acknowledged, bytes, sealed };
    },
  };
}
