import { createFrameDecoder, createResultReader, type DecodedFrame, type ResultReader } from '@causeway/protocol';
import { CausewayError } from '@causeway/sdk';

/** The results of one job as a client reads them. Read it once: its helpers share one cursor. */
export interface ResultStream extends ResultReader {
  /** The job id the relay assigned. */
  readonly jobId: string;
  /** Stops reading and closes the connection (the relay cancels an unfinished job). */
  close(): Promise<void>;
}

/**
 * Decodes a job's raw frames into a result stream. Frames must arrive in sequence with no gap or
 * duplicate; an error frame becomes a thrown `CausewayError` with the frame's code and message.
 * `abandon` releases a source that is open already (a response in flight) when the stream is
 * closed before it was read.
 */
export function createResultStream(jobId: string, open: () => Promise<AsyncIterable<Uint8Array>>, abandon?: () => Promise<void>): ResultStream {
  async function* decodeAll(): AsyncGenerator<DecodedFrame> {
    const decoder = createFrameDecoder();
    const raw = (await open())[Symbol.asyncIterator]();
    let drained = false;
    try {
      for (;;) {
        const next = await raw.next();
        if (next.done) break;
        const frame = decoder.decode(next.value);
        if (frame.type === 'error') {
          throw new CausewayError(frame.error.code, frame.error.message, frame.error.details ? { details: frame.error.details } : {});
        }
        yield frame;
        if (frame.type === 'end') {
          // The relay ends the response with the end frame: one more read normally sees that end,
          // so the response completes instead of being cancelled (an abort per query otherwise).
          drained = (await raw.next()).done === true;
          return;
        }
      }
      drained = true;
    } finally {
      if (!drained) await raw.return?.();
    }
    throw new CausewayError('CW_RELAY_PROTOCOL', `the results stream of job ${jobId} ended before its end frame`);
  }

  const reader = createResultReader(jobId, decodeAll);
  return {
    jobId,
    [Symbol.asyncIterator]: () => reader[Symbol.asyncIterator](),
    columns: () => reader.columns(),
    rows: () => reader.rows(),
    collect: () => reader.collect(),
    summary: () => reader.summary(),
    async close() {
      // Never read: `open` never ran, so the generator has nothing to close; the source has.
      if (!reader.started() && abandon) await abandon();
      await reader.stop();
    },
  };
}
