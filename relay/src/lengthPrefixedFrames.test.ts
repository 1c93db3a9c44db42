import { describe, expect, it } from 'vitest';
import { encodeLengthPrefixed, readLengthPrefixed } from './lengthPrefixedFrames.js';

async function* chunksOf(bytes: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const size = sizes[i++ % sizes.length]!;
    yield new Uint8Array(bytes.subarray(at, at + size));
    at += size;
  }
}

async function all(iterable: AsyncIterable<Uint8Array>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const frame of iterable) out.push([...frame]);
  return out;
}

describe('length-prefixed frames', () => {
  const frames = [Buffer.from([1, 2, 3]), Buffer.alloc(0), Buffer.alloc(700, 7), Buffer.from([9])];
  const stream = Buffer.concat(frames.map(encodeLengthPrefixed));

  for (const sizes of [[stream.length], [1], [3, 5], [2, 700, 1], [4]]) {
    it(`splits frames whatever the chunk sizes (${sizes.join(',')})`, async () => {
      expect(await all(readLengthPrefixed(chunksOf(stream, sizes)))).toEqual(frames.map((f) => [...f]));
    });
  }

  it('writes the length big-endian before the bytes', () => {
    expect([...encodeLengthPrefixed(Buffer.from([5, 6]))]).toEqual([0, 0, 0, 2, 5, 6]);
  });

  it('refuses a stream that ends inside a frame', async () => {
    await expect(all(readLengthPrefixed(chunksOf(stream.subarray(0, stream.length - 1), [64])))).rejects.toMatchObject({
      code: 'CW_RELAY_PROTOCOL',
      message: 'results stream ended inside a frame',
    });
  });

  it('refuses a length beyond the frame limit instead of buffering it', async () => {
    await expect(all(readLengthPrefixed(chunksOf(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]), [5])))).rejects.toMatchObject({ code: 'CW_RELAY_PROTOCOL' });
  });
});
