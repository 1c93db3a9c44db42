import { createFrameEncoder } from '@causeway/protocol';
import { describe, expect, it } from 'vitest';
import { createClusterResultStream, type FrameFeed } from './createClusterResultStream.js';

function feedOf(frames: Uint8Array[], failure?: Error): FrameFeed & { closed: number } {
  let i = 0;
  const feed = {
    closed: 0,
    async next() {
      if (i < frames.length) return frames[i++];
      if (failure) throw failure;
      return undefined;
    },
    runs: () => [{ runId: 'r', memberId: 'm', framesDelivered: frames.length }],
    async close() {
      feed.closed++;
    },
  };
  return feed;
}

const enc = createFrameEncoder('msgpack');
const result = [enc.schema(0, [{ name: 'n', type: 'int32' }]), enc.rows(1, [[1], [2]]), enc.rows(2, [[3]]), enc.end(3, { rows: 3, bytes: 10, timings: {} })];

describe('createClusterResultStream', () => {
  it('decodes the frames into columns, rows and the summary, and closes its feed at the end', async () => {
    const feed = feedOf(result);
    const stream = createClusterResultStream('job-1', feed);
    expect(await stream.collect()).toEqual({ columns: [{ name: 'n', type: 'int32' }], rows: [[1], [2], [3]], summary: { rows: 3, bytes: 10, timings: {} } });
    expect(feed.closed).toBe(1);
    expect(stream.runs()).toEqual([{ runId: 'r', memberId: 'm', framesDelivered: 4 }]);
  });

  it('closes its feed (which cancels the job) when the reader leaves the rows loop early', async () => {
    const feed = feedOf(result);
    const stream = createClusterResultStream('job-1', feed);
    for await (const batch of stream.rows()) {
      expect(batch).toEqual([[1], [2]]);
      break;
    }
    expect(feed.closed).toBe(1);
  });

  it("throws an error frame's code, a feed failure as it is, and a result cut short as CW_RELAY_PROTOCOL", async () => {
    const failed = createClusterResultStream('job-1', feedOf([enc.schema(0, []), enc.error(1, { code: 'CW_QUERY_FAILED', message: 'boom' })]));
    await expect(failed.collect()).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', message: 'boom' });
    const diverged = Object.assign(new Error('diverged'), { code: 'CW_RESULT_DIVERGED' });
    await expect(createClusterResultStream('job-1', feedOf(result.slice(0, 2), diverged)).collect()).rejects.toBe(diverged);
    await expect(createClusterResultStream('job-1', feedOf(result.slice(0, 2))).collect()).rejects.toMatchObject({ code: 'CW_RELAY_PROTOCOL' });
  });
});
