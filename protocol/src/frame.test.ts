import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, readFrameHeader, writeFrame, type FrameEncodingName, type FrameTypeName } from './frame.js';

function codeAndMessage(fn: () => unknown): { code: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
  throw new Error('expected a throw');
}

describe('frame header', () => {
  const types: FrameTypeName[] = ['schema', 'batch', 'end', 'error'];
  const encodings: FrameEncodingName[] = ['msgpack', 'json'];

  for (const type of types) {
    for (const encoding of encodings) {
      it(`round-trips a ${type} frame in ${encoding}`, () => {
        const payload = Uint8Array.from([1, 2, 3, 250]);
        const frame = writeFrame({ type, encoding, seq: 7 }, payload);
        expect(frame.byteLength).toBe(FRAME_HEADER_BYTES + payload.byteLength);
        expect(readFrameHeader(frame)).toEqual({ type, encoding, seq: 7 });
        expect([...frame.subarray(FRAME_HEADER_BYTES)]).toEqual([...payload]);
      });
    }
  }

  it('carries the full u32 sequence range, big-endian', () => {
    const frame = writeFrame({ type: 'batch', encoding: 'msgpack', seq: 0xfffffffe }, new Uint8Array());
    expect([...frame.subarray(4, 8)]).toEqual([0xff, 0xff, 0xff, 0xfe]);
    expect(readFrameHeader(frame).seq).toBe(0xfffffffe);
  });

  it('reads a header from a view into a larger buffer', () => {
    const frame = writeFrame({ type: 'end', encoding: 'json', seq: 3 }, Uint8Array.from([9]));
    const host = new Uint8Array(frame.byteLength + 5);
    host.set(frame, 5);
    expect(readFrameHeader(host.subarray(5))).toEqual({ type: 'end', encoding: 'json', seq: 3 });
  });

  it('rejects a frame shorter than the header', () => {
    expect(codeAndMessage(() => readFrameHeader(new Uint8Array(5)))).toEqual({
      code: 'CW_FRAME_INVALID',
      message: 'frame is 5 bytes, shorter than its 8-byte header',
    });
  });

  it('rejects an unsupported version', () => {
    const frame = writeFrame({ type: 'batch', encoding: 'json', seq: 0 }, new Uint8Array());
    frame[0] = 2;
    expect(codeAndMessage(() => readFrameHeader(frame))).toEqual({ code: 'CW_FRAME_INVALID', message: 'frame version 2 is not supported (expected 1)' });
  });

  it('rejects an unknown frame type', () => {
    const frame = writeFrame({ type: 'batch', encoding: 'json', seq: 0 }, new Uint8Array());
    frame[1] = 9;
    expect(codeAndMessage(() => readFrameHeader(frame))).toEqual({ code: 'CW_FRAME_INVALID', message: 'frame type 9 is unknown' });
  });

  it('rejects an unknown encoding', () => {
    const frame = writeFrame({ type: 'batch', encoding: 'json', seq: 0 }, new Uint8Array());
    frame[2] = 7;
    expect(codeAndMessage(() => readFrameHeader(frame))).toEqual({ code: 'CW_FRAME_INVALID', message: 'frame encoding 7 is unknown' });
  });
});
