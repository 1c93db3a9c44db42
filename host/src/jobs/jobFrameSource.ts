import type { FrameSource, JobSpool, SpooledFrame } from '@causeway/sdk';

/**
 * The frames of one job as the transport reads them: the spooled frames, then the terminal frame
 * (end or error). The terminal frame is kept in memory, not in the spool, so a full or failing
 * spool can still report its own failure to the client.
 */
export interface JobFrameSource extends FrameSource {
  /** Sets the terminal frame; the spool must be sealed before. */
  finish(frame: SpooledFrame): void;
  /** Resolves when the terminal frame was acknowledged. */
  readonly acknowledged: Promise<void>;
}

/** Creates the frame source of one job over its spool. */
export function createJobFrameSource(spool: JobSpool): JobFrameSource {
  let terminal: SpooledFrame | undefined;
  // Every waiting reader (a resumed read may start while an earlier one still waits) is woken by finish().
  const waiting = new Set<() => void>();
  let resolveAcked!: () => void;
  const acknowledged = new Promise<void>((resolve) => (resolveAcked = resolve));
  return {
    acknowledged,
    finish(frame) {
      terminal = frame;
      for (const wake of waiting) wake();
      waiting.clear();
    },
    async *read(fromSeq, signal) {
      let next = fromSeq;
      if (!terminal || fromSeq < terminal.seq) {
        for await (const frame of spool.read(fromSeq, signal)) {
          yield frame;
          next = frame.seq + 1;
        }
      }
      // The spool is sealed before the terminal frame is set; wait for it if the producer is still closing.
      while (!terminal && !signal.aborted) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            signal.removeEventListener('abort', wake);
            resolve();
          };
          waiting.add(wake);
          signal.addEventListener('abort', wake, { once: true });
        });
      }
      if (terminal && !signal.aborted && next <= terminal.seq) yield terminal;
    },
    async acknowledge(seq) {
      const lastSpooled = terminal ? terminal.seq - 1 : seq;
      if (Math.min(seq, lastSpooled) >= 0) await spool.acknowledge(Math.min(seq, lastSpooled));
      if (terminal && seq >= terminal.seq) resolveAcked();
    },
  };
}
