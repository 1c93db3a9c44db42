import type { Column, Row } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { writeFrame, type FrameEncodingName } from './frame.js';
import { encodeDocument, encodeRows } from './payloadCodec.js';
import { createFrameDecoder, createFrameEncoder, type DecodedFrame, type ResultSummary } from './resultFrames.js';

const columns: Column[] = [
  { name: 'b', type: 'boolean' },
  { name: 'i16', type: 'int16' },
  { name: 'i32', type: 'int32' },
  { name: 'i64', type: 'int64', nativeType: 'int8', nullable: true },
  { name: 'f32', type: 'float32' },
  { name: 'f64', type: 'float64' },
  { name: 'dec', type: 'decimal', nativeType: 'numeric' },
  { name: 's', type: 'string' },
  { name: 'bin', type: 'binary' },
  { name: 'd', type: 'date' },
  { name: 't', type: 'time' },
  { name: 'ts', type: 'timestamp' },
  { name: 'tstz', type: 'timestamptz' },
  { name: 'u', type: 'uuid' },
  { name: 'j', type: 'json' },
  { name: 'unk', type: 'unknown', nativeType: 'point' },
  { name: 'a64', type: 'array', elementType: 'int64' },
  { name: 'abin', type: 'array', elementType: 'binary' },
  { name: 'atext', type: 'array', elementType: 'string' },
  { name: 'af64', type: 'array', elementType: 'float64' },
];

const rows: Row[] = [
  [
    true, -32768, 2147483647, 9007199254740993n, 1.5, 0.1, '-12.50', 'héllo, 世界', Uint8Array.from([0, 1, 254, 255]),
    '2024-02-29', '23:59:59.999999', '2024-02-29T12:00:00.000001', '2024-02-29T12:00:00.000001Z', '6f1c2a4e-0b7d-4c1e-9a1b-3f2d4e5f6a7b',
    { a: [1, { b: null }], s: 'x' }, '(1,2)',
    [1n, -2n, 9007199254740993n, null], [Uint8Array.from([1]), null, new Uint8Array()], ['a', null, ''], [1.25, null],
  ],
  [
    false, 0, -2147483648, -9223372036854775808n, -0.5, -1e308, 'NaN', '', new Uint8Array(),
    '-infinity', '00:00:00', '0001-01-01T00:00:00', '1970-01-01T00:00:00Z', '00000000-0000-0000-0000-000000000000',
    [1, 'two', [3], null], '',
    [[1n, 2n], [3n, 9223372036854775807n]], [[Uint8Array.from([7, 8])], [null]], [], [[0.5], [2]],
  ],
  [
    true, 1, 1, 0n, 0, 5e-324, '123456789012345678901234567890.000000000001', 'line\nbreak', Uint8Array.from([255]),
    '2000-01-01', '12:00:00', '2000-01-01T00:00:00', '2000-01-01T00:00:00Z', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'a json string', 'x', [-1n], [Uint8Array.from([0])], ['"quoted"'], [],
  ],
  // JSON values that are scalars, and a row of NULLs.
  [null, null, null, 42n, null, null, null, null, null, null, null, null, null, null, 42, null, null, null, null, null],
  [null, null, null, null, null, null, null, null, null, null, null, null, null, null, true, null, null, null, null, null],
  columns.map(() => null),
];

const summary: ResultSummary = { rows: rows.length, bytes: 1234, timings: { connect: 1.5, execute: 20, transfer: 3 } };

const encodings: FrameEncodingName[] = ['msgpack', 'json'];

function throwsFrameInvalid(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect((error as { code?: unknown }).code).toBe('CW_FRAME_INVALID');
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected CW_FRAME_INVALID');
}

describe('result frames', () => {
  for (const encoding of encodings) {
    describe(encoding, () => {
      it('round-trips schema, batches and end with every column type', () => {
        const encoder = createFrameEncoder(encoding);
        const frames = [encoder.schema(0, columns), encoder.rows(1, rows.slice(0, 2)), encoder.rows(2, rows.slice(2)), encoder.end(3, summary)];
        const decoder = createFrameDecoder();
        const decoded: DecodedFrame[] = [];
        for (const frame of frames) {
          expect(decoder.finished).toBe(false);
          decoded.push(decoder.decode(frame));
        }
        expect(decoder.finished).toBe(true);
        expect(decoded).toStrictEqual([
          { type: 'schema', seq: 0, columns },
          { type: 'batch', seq: 1, rows: rows.slice(0, 2) },
          { type: 'batch', seq: 2, rows: rows.slice(2) },
          { type: 'end', seq: 3, summary },
        ]);
      });

      it('gives binary values back as plain Uint8Arrays and int64 values as bigints', () => {
        const encoder = createFrameEncoder(encoding);
        const decoder = createFrameDecoder();
        decoder.decode(encoder.schema(0, columns));
        const decoded = decoder.decode(encoder.rows(1, rows.slice(0, 1)));
        if (decoded.type !== 'batch') throw new Error('expected a batch');
        const row = decoded.rows[0]!;
        expect(typeof row[3]).toBe('bigint');
        expect(Buffer.isBuffer(row[8])).toBe(false);
        expect(row[8]).toBeInstanceOf(Uint8Array);
        const binaries = row[17] as Uint8Array[];
        expect(Buffer.isBuffer(binaries[0])).toBe(false);
        expect(binaries[0]).toBeInstanceOf(Uint8Array);
      });

      it('round-trips non-finite floats, which JSON has no literal for', () => {
        const cols: Column[] = [{ name: 'f64', type: 'float64' }, { name: 'f32', type: 'float32' }, { name: 'af', type: 'array', elementType: 'float64' }];
        const data: Row[] = [[NaN, Infinity, [-Infinity, NaN, 1]], [-Infinity, null, [null]]];
        const encoder = createFrameEncoder(encoding);
        const decoder = createFrameDecoder();
        decoder.decode(encoder.schema(0, cols));
        expect(decoder.decode(encoder.rows(1, data))).toStrictEqual({ type: 'batch', seq: 1, rows: data });
      });

      it('decodes an error frame to its code and message', () => {
        const encoder = createFrameEncoder(encoding);
        const decoder = createFrameDecoder();
        decoder.decode(encoder.schema(0, columns));
        const frame = encoder.error(1, { code: 'CW_QUERY_FAILED', message: 'relation "nope" does not exist', details: { serverCode: '42P01' } });
        expect(decoder.decode(frame)).toStrictEqual({
          type: 'error',
          seq: 1,
          error: { code: 'CW_QUERY_FAILED', message: 'relation "nope" does not exist', details: { serverCode: '42P01' } },
        });
        expect(decoder.finished).toBe(true);
      });

      it('turns an unknown error code into CW_INTERNAL, keeping the message', () => {
        const frame = writeFrame({ type: 'error', encoding, seq: 0 }, encodeDocument(encoding, { code: 'XX_NOT_A_CODE', message: 'boom' }));
        expect(createFrameDecoder().decode(frame)).toStrictEqual({ type: 'error', seq: 0, error: { code: 'CW_INTERNAL', message: 'boom' } });
      });
    });
  }

  it('writes the header in front of the encoded payload: the same bytes as header + payload, and earlier frames stay intact', () => {
    for (const encoding of ['msgpack', 'json'] as FrameEncodingName[]) {
      const encoder = createFrameEncoder(encoding);
      const columns: Column[] = [{ name: 'n', type: 'int32' }, { name: 's', type: 'string' }];
      const batches: Row[][] = Array.from({ length: 40 }, (_, b) => Array.from({ length: 500 }, (_, i) => [b * 500 + i, `row ${b}/${i} ${'x'.repeat(i % 50)}`]));
      const frames = [encoder.schema(0, columns), ...batches.map((rows, b) => encoder.rows(b + 1, rows))];
      expect(frames[0]!.equals(writeFrame({ type: 'schema', encoding, seq: 0 }, encodeDocument(encoding, { columns })))).toBe(true);
      // Checked only after every frame was encoded: later encodings must not write over earlier frames.
      batches.forEach((rows, b) => {
        expect(frames[b + 1]!.equals(writeFrame({ type: 'batch', encoding, seq: b + 1 }, encodeRows(encoding, columns, rows)))).toBe(true);
      });
      const decoder = createFrameDecoder();
      const decoded = frames.map((f) => decoder.decode(f));
      expect(decoded.flatMap((f) => (f.type === 'batch' ? f.rows : []))).toEqual(batches.flat());
    }
  });

  it('rejects a gap in the sequence', () => {
    const encoder = createFrameEncoder('msgpack');
    const decoder = createFrameDecoder();
    decoder.decode(encoder.schema(0, columns));
    throwsFrameInvalid(() => decoder.decode(encoder.rows(2, [])), /^missing frames 1\.\.1$/);
  });

  it('rejects a duplicate frame', () => {
    const encoder = createFrameEncoder('json');
    const decoder = createFrameDecoder();
    decoder.decode(encoder.schema(0, columns));
    decoder.decode(encoder.rows(1, []));
    throwsFrameInvalid(() => decoder.decode(encoder.rows(1, [])), /^duplicate frame 1 \(expected 2\)$/);
  });

  it('rejects a batch before the schema', () => {
    const encoder = createFrameEncoder('msgpack');
    throwsFrameInvalid(() => createFrameDecoder().decode(encoder.rows(0, [])), /^batch frame 0 came before the schema frame$/);
  });

  it('rejects a frame after the end', () => {
    const encoder = createFrameEncoder('msgpack');
    const decoder = createFrameDecoder();
    decoder.decode(encoder.schema(0, columns));
    decoder.decode(encoder.end(1, summary));
    throwsFrameInvalid(() => decoder.decode(encoder.rows(2, [])), /^frame 2 arrived after the result ended$/);
  });

  it('rejects a frame after an error frame', () => {
    const encoder = createFrameEncoder('json');
    const decoder = createFrameDecoder();
    decoder.decode(encoder.error(0, { code: 'CW_QUERY_TIMEOUT', message: 'too slow' }));
    throwsFrameInvalid(() => decoder.decode(encoder.end(1, summary)), /after the result ended/);
  });

  it('rejects a schema frame without columns and a payload that does not parse', () => {
    throwsFrameInvalid(() => createFrameDecoder().decode(writeFrame({ type: 'schema', encoding: 'json', seq: 0 }, encodeDocument('json', { cols: [] }))), /no columns array/);
    throwsFrameInvalid(() => createFrameDecoder().decode(writeFrame({ type: 'schema', encoding: 'json', seq: 0 }, Buffer.from('{not json'))), /not valid json/);
  });
});
