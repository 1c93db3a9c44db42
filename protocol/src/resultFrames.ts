import { CausewayError, isErrorCode, type Column, type ErrorCode, type Row } from '@causeway/sdk';
import { FRAME_HEADER_BYTES, readFrameHeader, writeFrameHeader, type FrameEncodingName } from './frame.js';
import { decodeDocument, decodeRows, encodeDocument, encodeRows } from './payloadCodec.js';

/** What the end frame reports about a finished job. */
export interface ResultSummary {
  rows: number;
  /** Bytes of batch payloads sent. */
  bytes: number;
  /** Per-phase timings of the job, in milliseconds. */
  timings: Record<string, number>;
}

/** What an error frame carries: a stable code and a message with no secrets. */
export interface FrameError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** A decoded frame. */
export type DecodedFrame =
  | { type: 'schema'; seq: number; columns: Column[] }
  | { type: 'batch'; seq: number; rows: Row[] }
  | { type: 'end'; seq: number; summary: ResultSummary }
  | { type: 'error'; seq: number; error: FrameError };

/** Encodes one job's result parts as frames. */
export interface FrameEncoder {
  readonly encoding: FrameEncodingName;
  schema(seq: number, columns: Column[]): Buffer;
  rows(seq: number, rows: readonly Row[]): Buffer;
  end(seq: number, summary: ResultSummary): Buffer;
  error(seq: number, error: FrameError): Buffer;
}

/** Creates the frame encoder of one job. */
export function createFrameEncoder(encoding: FrameEncodingName): FrameEncoder {
  let columns: Column[] = [];
  return {
    encoding,
    // Payloads are encoded behind room for the header, which is then written in place: no copy of
    // a frame-sized payload into a new buffer per frame.
    schema(seq, cols) {
      columns = cols;
      return writeFrameHeader(encodeDocument(encoding, { columns: cols }, FRAME_HEADER_BYTES), { type: 'schema', encoding, seq });
    },
    rows(seq, rows) {
      return writeFrameHeader(encodeRows(encoding, columns, rows, FRAME_HEADER_BYTES), { type: 'batch', encoding, seq });
    },
    end(seq, summary) {
      return writeFrameHeader(encodeDocument(encoding, summary, FRAME_HEADER_BYTES), { type: 'end', encoding, seq });
    },
    error(seq, error) {
      return writeFrameHeader(encodeDocument(encoding, error, FRAME_HEADER_BYTES), { type: 'error', encoding, seq });
    },
  };
}

/** Decodes one job's frames in order; a gap, a duplicate or a frame after the last one is `CW_FRAME_INVALID`. */
export interface FrameDecoder {
  decode(frame: Uint8Array): DecodedFrame;
  /** True once an end or error frame was decoded. */
  readonly finished: boolean;
}

/** Creates the frame decoder of one job. */
export function createFrameDecoder(): FrameDecoder {
  let columns: Column[] | undefined;
  let expected = 0;
  let finished = false;
  return {
    get finished() {
      return finished;
    },
    decode(frame) {
      const header = readFrameHeader(frame);
      if (finished) throw new CausewayError('CW_FRAME_INVALID', `frame ${header.seq} arrived after the result ended`);
      if (header.seq !== expected) {
        throw new CausewayError('CW_FRAME_INVALID', header.seq < expected ? `duplicate frame ${header.seq} (expected ${expected})` : `missing frames ${expected}..${header.seq - 1}`);
      }
      expected++;
      const payload = frame.subarray(FRAME_HEADER_BYTES);
      switch (header.type) {
        case 'schema': {
          const doc = decodeDocument(header.encoding, payload) as { columns?: unknown };
          if (!Array.isArray(doc?.columns)) throw new CausewayError('CW_FRAME_INVALID', 'schema frame has no columns array');
          columns = doc.columns as Column[];
          return { type: 'schema', seq: header.seq, columns };
        }
        case 'batch':
          if (!columns) throw new CausewayError('CW_FRAME_INVALID', `batch frame ${header.seq} came before the schema frame`);
          return { type: 'batch', seq: header.seq, rows: decodeRows(header.encoding, columns, payload) };
        case 'end':
          finished = true;
          return { type: 'end', seq: header.seq, summary: decodeDocument(header.encoding, payload) as ResultSummary };
        case 'error': {
          finished = true;
          const doc = decodeDocument(header.encoding, payload) as Partial<FrameError>;
          const code: ErrorCode = isErrorCode(doc.code) ? doc.code : 'CW_INTERNAL';
          return { type: 'error', seq: header.seq, error: { code, message: String(doc.message ?? ''), ...(doc.details ? { details: doc.details } : {}) } };
        }
      }
    },
  };
}
