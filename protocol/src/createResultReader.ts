import { CausewayError, type Column, type Row } from '@causeway/sdk';
import type { DecodedFrame, ResultSummary } from './resultFrames.js';

/** How a client reads one job's result: every result stream (relay, cluster) offers this. */
export interface ResultReader extends AsyncIterable<DecodedFrame> {
  /** The result's columns (reads up to the schema frame). */
  columns(): Promise<Column[]>;
  /** Row batches as they arrive, until the end frame; leaving the loop early stops the stream. */
  rows(): AsyncIterable<Row[]>;
  /** Reads the whole result into memory. */
  collect(): Promise<{ columns: Column[]; rows: Row[]; summary: ResultSummary }>;
  /** The end frame's summary, once read. */
  summary(): ResultSummary | undefined;
}

/** A result reader, with what its stream needs to close it. */
export interface ResultReaderControl extends ResultReader {
  /** Whether anything was read yet (the source was opened). */
  started(): boolean;
  /** Stops reading: the source's generator is returned (its `finally` releases it); later reads end. */
  stop(): Promise<void>;
}

/**
 * The reading surface over one job's decoded frames, shared by the result streams of the relay
 * client and the cluster client. `source` makes the generator of decoded frames (an error frame
 * thrown as a `CausewayError`); it is called once, on first use, and read by one cursor.
 */
export function createResultReader(jobId: string, source: () => AsyncGenerator<DecodedFrame>): ResultReaderControl {
  let columnsValue: Column[] | undefined;
  let summaryValue: ResultSummary | undefined;
  let started = false;

  async function* observe(frames: AsyncGenerator<DecodedFrame>): AsyncGenerator<DecodedFrame> {
    started = true;
    for await (const frame of frames) {
      if (frame.type === 'schema') columnsValue = frame.columns;
      if (frame.type === 'end') summaryValue = frame.summary;
      yield frame;
    }
  }
  let cursor: AsyncGenerator<DecodedFrame> | undefined;
  const frames = (): AsyncGenerator<DecodedFrame> => (cursor ??= observe(source()));

  const reader: ResultReaderControl = {
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
        // A reader that leaves early (break, throw) is gone: stop the stream, so the job is cancelled
        // instead of running to the end for nobody.
        if (!ended) await reader.stop();
      }
    },
    async collect() {
      const columns = await reader.columns();
      const rows: Row[] = [];
      for await (const batch of reader.rows()) for (const row of batch) rows.push(row);
      if (!summaryValue) throw new CausewayError('CW_FRAME_INVALID', `job ${jobId} ended without an end frame`);
      return { columns, rows, summary: summaryValue };
    },
    summary: () => summaryValue,
    started: () => started,
    async stop() {
      await frames().return(undefined);
    },
  };
  return reader;
}
