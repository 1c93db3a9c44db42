import { CausewayError } from '@causeway/sdk';

/** The largest frame the results stream accepts; a longer length prefix means a corrupt stream. */
export const MAX_STREAM_FRAME_BYTES = 256 * 1024 * 1024;

/** Prefixes a frame with its length (u32, big-endian), as the results stream carries it. */
export function encodeLengthPrefixed(frame: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + frame.byteLength);
  out.writeUInt32BE(frame.byteLength, 0);
  out.set(frame, 4);
  return out;
}

/**
 * Splits a byte stream of length-prefixed frames into frames, whatever the chunk boundaries.
 * Yields each frame as it completes; throws `CW_RELAY_PROTOCOL` when the stream ends inside a frame.
 */
export async function* readLengthPrefixed(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let queue: Uint8Array[] = [];
  let queued = 0;
  let need = -1;

  // Takes exactly n bytes from the front of the queue, copying only when a frame spans chunks.
  const take = (n: number): Uint8Array => {
    if (n === 0) return new Uint8Array(0);
    const first = queue[0]!;
    if (first.byteLength >= n) {
      const out = first.subarray(0, n);
      if (first.byteLength === n) queue.shift();
      else queue[0] = first.subarray(n);
      queued -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const head = queue[0]!;
      const part = Math.min(head.byteLength, n - at);
      out.set(head.subarray(0, part), at);
      at += part;
      if (part === head.byteLength) queue.shift();
      else queue[0] = head.subarray(part);
    }
    queued -= n;
    return out;
  };

  for await (const chunk of chunks) {
    if (chunk.byteLength === 0) continue;
    queue.push(chunk);
    queued += chunk.byteLength;
    for (;;) {
      if (need < 0) {
        if (queued < 4) break;
        const prefix = take(4);
        need = new DataView(prefix.buffer, prefix.byteOffset, 4).getUint32(0);
        if (need > MAX_STREAM_FRAME_BYTES) {
          throw new CausewayError('CW_RELAY_PROTOCOL', `results stream announces a ${need}-byte frame, more than the ${MAX_STREAM_FRAME_BYTES}-byte limit`);
        }
      }
      if (queued < need) break;
      const frame = take(need);
      need = -1;
      yield frame;
    }
  }
  if (need >= 0 || queued > 0) {
    queue = [];
    throw new CausewayError('CW_RELAY_PROTOCOL', 'results stream ended inside a frame');
  }
}
