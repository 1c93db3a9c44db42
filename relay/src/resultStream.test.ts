import { createFrameEncoder } from '@causeway/protocol';
import { describe, expect, it } from 'vitest';
import { createResultStream } from './resultStream.js';

/** Raw frames of a result with `batches` batches of two rows; records whether the reader closed it. */
function source(batches: number) {
  const encoder = createFrameEncoder('msgpack');
  const frames: Uint8Array[] = [encoder.schema(0, [{ name: 'n', type: 'int32', nullable: false }])];
  for (let i = 0; i < batches; i++) frames.push(encoder.rows(i + 1, [[2 * i], [2 * i + 1]]));
  frames.push(encoder.end(batches + 1, { rows: batches * 2, bytes: 0, timings: {} }));
  const state = { closed: false, served: 0 };
  const open = async () =>
    (async function* () {
      try {
        for (const frame of frames) {
          state.served++;
          yield frame;
        }
      } finally {
        state.closed = true;
      }
    })();
  return { open, state, total: frames.length };
}

describe('createResultStream', () => {
  it('reads every batch and the summary', async () => {
    const { open, state, total } = source(3);
    const result = await createResultStream('j1', open).collect();
    expect(result.rows).toEqual([[0], [1], [2], [3], [4], [5]]);
    expect(result.summary.rows).toBe(6);
    expect(state.served).toBe(total);
  });

  it('closes the underlying stream when the reader leaves rows() early, so the job is cancelled', async () => {
    const { open, state, total } = source(50);
    const stream = createResultStream('j2', open);
    for await (const batch of stream.rows()) {
      expect(batch).toEqual([[0], [1]]);
      break;
    }
    expect(state.closed).toBe(true);
    expect(state.served).toBeLessThan(total);
  });
});
