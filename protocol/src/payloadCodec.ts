import { CausewayError, type Column, type Row, type Value } from '@causeway/sdk';
// The plain entry (as 'msgpackr/pack' resolves on Node): the package's Node entry also loads a native
// string extractor for unpacking, ~20 ms of every host start for decoding the host never does.
// Processes that decode frames (relay and cluster clients) import 'msgpackr' to switch it on.
import { Packr, RESERVE_START_SPACE } from 'msgpackr/pack';
import type { FrameEncodingName } from './frame.js';

const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'bigint', variableMapSize: true });

/**
 * Encodes a non-row payload (schema, end, error documents). With `reserve`, the payload starts
 * `reserve` bytes into the returned buffer, so a frame header can be written in front of it
 * without copying the payload into a new buffer.
 */
export function encodeDocument(encoding: FrameEncodingName, doc: unknown, reserve = 0): Buffer {
  return encoding === 'msgpack' ? packBehind(doc, reserve) : jsonBehind(JSON.stringify(doc), reserve);
}

/** Decodes a non-row payload. */
export function decodeDocument(encoding: FrameEncodingName, payload: Uint8Array): unknown {
  try {
    return encoding === 'msgpack' ? packr.unpack(payload) : JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (error) {
    throw new CausewayError('CW_FRAME_INVALID', `frame payload is not valid ${encoding}`, { cause: error });
  }
}

/**
 * Encodes a batch of rows, `reserve` bytes into the returned buffer (see encodeDocument). msgpack
 * carries bigint and binary natively; JSON gets them as strings, restored by column type.
 */
export function encodeRows(encoding: FrameEncodingName, columns: readonly Column[], rows: readonly Row[], reserve = 0): Buffer {
  if (encoding === 'msgpack') return packBehind(rows, reserve);
  return jsonBehind(JSON.stringify(rows, jsonReplacer), reserve);
}

// msgpackr leaves `reserve` (at most 255) bytes free at the start of its output. The output is a
// view of msgpackr's working buffer that later packs do not write over (they go on after it, or
// into a new buffer): it may be kept.
function packBehind(value: unknown, reserve: number): Buffer {
  return reserve > 0 ? packr.pack(value, RESERVE_START_SPACE | reserve) : packr.pack(value);
}

function jsonBehind(text: string, reserve: number): Buffer {
  if (reserve === 0) return Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(reserve + Buffer.byteLength(text, 'utf8'));
  out.write(text, reserve, 'utf8');
  return out;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  // JSON has no literal for NaN and the infinities and would send null; the float fixer restores them.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** Decodes a batch of rows into portable values. */
export function decodeRows(encoding: FrameEncodingName, columns: readonly Column[], payload: Uint8Array): Row[] {
  const rows = decodeDocument(encoding, payload);
  if (!Array.isArray(rows)) throw new CausewayError('CW_FRAME_INVALID', 'batch payload is not an array of rows');
  if (encoding === 'msgpack') {
    for (const row of rows as unknown[][]) {
      for (let i = 0; i < columns.length; i++) {
        const v = row[i];
        if (v instanceof Uint8Array && !(v instanceof Buffer)) continue;
        if (v instanceof Buffer) row[i] = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        else if (columns[i]!.type === 'int64' && typeof v === 'number') row[i] = BigInt(v);
        // Array elements need the same fixes as scalars (binary elements otherwise come back as Buffers).
        else if (columns[i]!.type === 'array' && Array.isArray(v)) row[i] = msgpackArrayFix(v, columns[i]!.elementType === 'int64');
      }
    }
    return rows as Row[];
  }
  const fixers = columns.map((c) => fixerFor(c));
  for (const row of rows as Value[][]) {
    for (let i = 0; i < fixers.length; i++) {
      const fix = fixers[i];
      if (fix && row[i] !== null) row[i] = fix(row[i]!);
    }
  }
  return rows as Row[];
}

function fixerFor(column: Column): ((v: Value) => Value) | undefined {
  const scalar = column.type === 'array' ? column.elementType : column.type;
  const one =
    scalar === 'int64' ? (v: Value) => BigInt(v as string)
    : scalar === 'binary' ? (v: Value) => new Uint8Array(Buffer.from(v as string, 'base64'))
    : scalar === 'float32' || scalar === 'float64' ? (v: Value) => (typeof v === 'string' ? Number(v) : v)
    : undefined;
  if (!one) return undefined;
  if (column.type !== 'array') return one;
  const deep = (v: Value): Value => (Array.isArray(v) ? v.map(deep) : v === null ? null : one(v));
  return deep;
}

function msgpackArrayFix(values: unknown[], int64: boolean): unknown[] {
  return values.map((v) =>
    v instanceof Buffer ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
    : Array.isArray(v) ? msgpackArrayFix(v, int64)
    : int64 && typeof v === 'number' ? BigInt(v)
    : v,
  );
}
