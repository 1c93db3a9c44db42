import { createFrameDecoder, type DecodedFrame, type ResultSummary } from '@causeway/protocol';
import { CausewayError, type Column, type Row } from '@causeway/sdk';
import type { RunInfo } from './createResultAssembler.js';

/** The results of one cluster job as a client reads them. Read it once: its helpers share one cursor. */
export interface ClusterResultStream extends AsyncIterable<DecodedFrame> {
  /** The job id (the client chose it). */
  readonly jobId: string;
  /** The result's columns (reads up to the schema frame). */
  columns(): Promise<Column[]>;
  /** Row batches as they arrive, until the end frame; leaving the loop early closes the stream (and cancels the job). */
  rows(): AsyncIterable<Row[]>;
  /** Reads the whole result into memory. */
  collect(): Promise<{ columns: Column[]; rows: Row[]; summary: ResultSummary }>;
  /** The end frame's summary, once read. */
  summary(): ResultSummary | undefined;
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
  let columnsValue: Column[] | undefined;
  let summaryValue: ResultSummary | undefined;
  let closed = false;

  async function* decodeAll(): AsyncGenerator<DecodedFrame> {
    const decoder = createFrameDecoder();
    try {
      for (;;) {
        const bytes = await feed.next();
        if (!bytes) throw new CausewayError('CW_RELAY_PROTOCOL', `the results of job ${jobId} ended before its end frame`);
        const frame = decoder.decode(bytes);
        if (frame.type === 'error') throw new CausewayError(frame.error.code, frame.error.message, frame.error.details ? { details: frame.error.details } : {});
        if (frame.type === 'schema') columnsValue = frame.columns;
        if (frame.type === 'end') summaryValue = frame.summary;
        yield frame;
        if (frame.type === 'end') return;
      }
    } finally {
      if (!closed) {
        closed = true;
        await feed.close();
      }
    }
  }

  let cursor: AsyncGenerator<DecodedFrame> | undefined;
  const frames = (): AsyncGenerator<DecodedFrame> => (cursor ??= decodeAll());

  const stream: ClusterResultStream = {
    jobId,
    [Symbol.asyncIterator]: () => frames(),
    async columns() {
      while (!columnsValue) {
        const next = await frames().next();
        if (next.done) throw new CausewayError('CW_FRAME_INVALID', `job ${jobId} ended without a schema frame`);
      }
      return columnsValue;
    },
    async *rows() {
      let done = false;
      try {
        for (;;) {
          const next = await frames().next();
          if (next.done) {
            done = true;
            return;
          }
          if (next.value.type === 'batch') yield next.value.rows;
        }
      } finally {
        // A reader that stops early (break, throw) is gone: cancel the job rather than let it run on.
        if (!done) await stream.close();
      }
    },
    async collect() {
      const columns = await stream.columns();
      const rows: Row[] = [];
      for await (const batch of stream.rows()) for (const row of batch) rows.push(row);
      if (!summaryValue) throw new CausewayError('CW_FRAME_INVALID', `job ${jobId} ended without an end frame`);
      return { columns, rows, summary: summaryValue };
    },
    summary: () => summaryValue,
    runs: () => feed.runs(),
    async close() {
      if (cursor) await cursor.return(undefined);
      else if (!closed) {
        closed = true;
        await feed.close();
      }
    },
  };
  return stream;
}
