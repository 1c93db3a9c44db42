import { createFrameDecoder, type DecodedFrame, type ResultSummary } from '@causeway/protocol';
import { CausewayError, type Column, type Row } from '@causeway/sdk';

/** The results of one job as a client reads them. Read it once: its helpers share one cursor. */
export interface ResultStream extends AsyncIterable<DecodedFrame> {
  /** The job id the relay assigned. */
  readonly jobId: string;
  /** The result's columns (reads up to the schema frame). */
  columns(): Promise<Column[]>;
  /** Row batches as they arrive, until the end frame. */
  rows(): AsyncIterable<Row[]>;
  /** Reads the whole result into memory. */
  collect(): Promise<{ columns: Column[]; rows: Row[]; summary: ResultSummary }>;
  /** The end frame's summary, once read. */
  summary(): ResultSummary | undefined;
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
  let columnsValue: Column[] | undefined;
  let summaryValue: ResultSummary | undefined;

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
        if (frame.type === 'schema') columnsValue = frame.columns;
        if (frame.type === 'end') summaryValue = frame.summary;
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

  let cursor: AsyncGenerator<DecodedFrame> | undefined;
  const frames = (): AsyncGenerator<DecodedFrame> => (cursor ??= decodeAll());

  const stream: ResultStream = {
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
      let ended = false;
      try {
        for (;;) {
          const next = await frames().next();
          if (next.done) {
            ended = true;
            return;
          }
          if (next.value.type === 'batch') yield next.value.rows;
        }
      } finally {
        // A reader that leaves early (break, throw) closes the stream, so the relay cancels the job
        // instead of the host running it to the end for nobody.
        if (!ended) await frames().return(undefined);
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
    async close() {
      if (!cursor && abandon) {
        // Never read: `open` never ran, so the generator has nothing to close; the source has.
        cursor = decodeAll();
        await abandon();
      }
      await frames().return(undefined);
    },
  };
  return stream;
}
