import { createFrameDecoder, createResultReader, type DecodedFrame, type ResultReader } from '@causeway/protocol';
import { CausewayError } from '@causeway/sdk';
import type { RunInfo } from './createResultAssembler.js';

/** The results of one cluster job as a client reads them. Read it once: its helpers share one cursor. */
export interface ClusterResultStream extends ResultReader {
  /** The job id (the client chose it). */
  readonly jobId: string;
  /** The runs that sent results (more than one after a failover), with the member of each and the frames it delivered first. */
  runs(): ReadonlyArray<RunInfo>;
  /** Stops reading; an unfinished job is cancelled. */
  close(): Promise<void>;
}

/** Where a result stream gets its frames: already assembled, de-duplicated and in order. */
export interface FrameFeed {
  /** The next frame, or undefined after the terminal one; rejects with the job's failure. */
  next(): Promise<Uint8Array | undefined>;
  runs(): ReadonlyArray<RunInfo>;
  /** The reader is gone. */
  close(): Promise<void>;
}

/** Decodes a job's assembled frames. An error frame becomes a thrown `CausewayError` with its code and message. */
export function createClusterResultStream(jobId: string, feed: FrameFeed): ClusterResultStream {
  let closed = false;
  const closeFeed = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await feed.close();
  };

  async function* decodeAll(): AsyncGenerator<DecodedFrame> {
    const decoder = createFrameDecoder();
    try {
      for (;;) {
        const bytes = await feed.next();
        if (!bytes) throw new CausewayError('CW_RELAY_PROTOCOL', `the results of job ${jobId} ended before its end frame`);
        const frame = decoder.decode(bytes);
        if (frame.type === 'error') throw new CausewayError(frame.error.code, frame.error.message, frame.error.details ? { details: frame.error.details } : {});
        yield frame;
        if (frame.type === 'end') return;
      }
    } finally {
      await closeFeed();
    }
  }

  const reader = createResultReader(jobId, decodeAll);
  return {
    jobId,
    [Symbol.asyncIterator]: () => reader[Symbol.asyncIterator](),
    columns: () => reader.columns(),
    rows: () => reader.rows(),
    collect: () => reader.collect(),
    summary: () => reader.summary(),
    runs: () => feed.runs(),
    async close() {
      // Once reading started, stopping the reader runs decodeAll's `finally`, which closes the feed.
      const started = reader.started();
      await reader.stop();
      if (!started) await closeFeed();
    },
  };
}
