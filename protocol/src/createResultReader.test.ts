import { describe, expect, it } from 'vitest';
import { createResultReader } from './createResultReader.js';
import { createFrameDecoder, createFrameEncoder, type DecodedFrame } from './resultFrames.js';

/** A source of `batches` two-row batches that records whether it was released. */
function source(batches: number) {
  const encoder = createFrameEncoder('msgpack');
  const decoder = createFrameDecoder();
  const state = { released: false, decoded: 0 };
  const frames = [encoder.schema(0, [{ name: 'n', type: 'int32', nullable: false }])];
  for (let i = 0; i < batches; i++) frames.push(encoder.rows(i + 1, [[2 * i], [2 * i + 1]]));
  frames.push(encoder.end(batches + 1, { rows: batches * 2, bytes: 0, timings: {} }));
  async function* decode(): AsyncGenerator<DecodedFrame> {
    try {
      for (const bytes of frames) {
        state.decoded++;
        yield decoder.decode(bytes);
      }
    } finally {
      state.released = true;
    }
  }
  return { decode, state, total: frames.length };
}

describe('createResultReader', () => {
  it('collects columns, rows and the summary', async () => {
    const { decode, state } = source(2);
    const reader = createResultReader('j1', decode);
    expect(reader.started()).toBe(false);
    const result = await reader.collect();
    expect(result.columns.map((c) => c.name)).toEqual(['n']);
    expect(result.rows).toEqual([[0], [1], [2], [3]]);
    expect(result.summary.rows).toBe(4);
    expect(reader.started()).toBe(true);
    expect(state.released).toBe(true);
  });

  it('records the summary for a reader that iterates the frames itself', async () => {
    const reader = createResultReader('j2', source(1).decode);
    const types: string[] = [];
    for await (const frame of reader) types.push(frame.type);
    expect(types).toEqual(['schema', 'batch', 'end']);
    expect(reader.summary()?.rows).toBe(2);
  });

  it('releases the source when the reader leaves rows() early', async () => {
    const { decode, state, total } = source(50);
    const reader = createResultReader('j3', decode);
    for await (const batch of reader.rows()) {
      expect(batch).toEqual([[0], [1]]);
      break;
    }
    expect(state.released).toBe(true);
    expect(state.decoded).toBeLessThan(total);
  });

  it('stops before anything was read without opening the source', async () => {
    const { decode, state } = source(1);
    const reader = createResultReader('j4', decode);
    await reader.stop();
    expect(reader.started()).toBe(false);
    expect(state.decoded).toBe(0);
    expect((await reader[Symbol.asyncIterator]().next()).done).toBe(true);
  });
});
