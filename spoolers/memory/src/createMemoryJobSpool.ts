import { CausewayError, type JobSpool, type SpooledFrame } from '@causeway/sdk';
import { createChangeSignal, type SpoolQuota } from '@causeway/sdk/spooling';

/** What one in-memory job spool needs from its spooler. */
export interface MemoryJobSpoolOptions {
  /** The job the spool belongs to; named in errors. */
  jobId: string;
  /** The budget shared with the other jobs of the spooler. */
  quota: SpoolQuota;
  /** Called once, when the spool is discarded. */
  onDiscarded?: () => void;
}

/** Creates the spool of one job that keeps its unacknowledged frames in memory. */
export function createMemoryJobSpool(options: MemoryJobSpoolOptions): JobSpool {
  const { jobId, quota } = options;
  const frames = new Map<number, Uint8Array>();
  const changed = createChangeSignal();
  let appended = 0;
  let acknowledged = -1;
  let bytes = 0;
  let sealed = false;
  let discarded = false;

  const ioError = (message: string): CausewayError => new CausewayError('CW_SPOOL_IO', `spool of job ${jobId}: ${message}`, { details: { jobId } });

  async function* readFrames(fromSeq: number, signal: AbortSignal | undefined): AsyncGenerator<SpooledFrame> {
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 0) throw ioError(`cannot read from seq ${fromSeq}: not a sequence number`);
    let seq = fromSeq;
    while (!signal?.aborted) {
      if (discarded) throw ioError(`cannot read frame ${seq}: the spool was discarded`);
      if (seq <= acknowledged) throw ioError(`cannot read frame ${seq}: frames up to ${acknowledged} were acknowledged and freed`);
      if (seq < appended) {
        yield { seq, data: frames.get(seq)! };
        seq += 1;
        continue;
      }
      if (sealed) {
        if (seq > appended) throw ioError(`cannot read frame ${seq}: the spool was sealed after ${appended} frames`);
        return;
      }
      await changed.wait(signal);
    }
  }

  return {
    async append(frame) {
      if (discarded) throw ioError(`cannot append frame ${frame.seq}: the spool was discarded`);
      if (sealed) throw ioError(`cannot append frame ${frame.seq}: the spool is sealed`);
      if (frame.seq !== appended) throw ioError(`append expected frame seq ${appended}, got ${frame.seq}`);
      const size = frame.data.byteLength;
      quota.reserve(size, jobId, frame.seq);
      // A copy, so a producer that reuses its buffer cannot change what was spooled.
      frames.set(frame.seq, new Uint8Array(frame.data));
      bytes += size;
      appended += 1;
      changed.notify();
    },

    async seal() {
      if (discarded) throw ioError('cannot seal: the spool was discarded');
      sealed = true;
      changed.notify();
    },

    read(fromSeq, signal) {
      return readFrames(fromSeq, signal);
    },

    async acknowledge(seq) {
      // The relay may acknowledge after the host gave the job up; there is nothing left to free.
      if (discarded) return;
      if (!Number.isSafeInteger(seq)) throw ioError(`cannot acknowledge seq ${seq}: not a sequence number`);
      if (seq <= acknowledged) return;
      if (seq >= appended) throw ioError(`cannot acknowledge frame ${seq}: only ${appended} frames were appended`);
      let freed = 0;
      for (let s = acknowledged + 1; s <= seq; s += 1) {
        freed += frames.get(s)!.byteLength;
        frames.delete(s);
      }
      acknowledged = seq;
      bytes -= freed;
      quota.release(freed);
    },

    async discard() {
      if (discarded) return;
      discarded = true;
      frames.clear();
      quota.release(bytes);
      bytes = 0;
      changed.notify();
      options.onDiscarded?.();
    },

    stats() {
      return { appended, acknowledged, bytes, sealed };
    },
  };
}
