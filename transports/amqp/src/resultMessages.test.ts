import { describe, expect, it } from 'vitest';
import { RESULT_MESSAGE_OVERHEAD_BYTES, RESULT_PROPERTIES, readResultMessage, splitFrame } from './resultMessages.js';

describe('result messages', () => {
  const route = { jobId: 'job-0001', runId: 'run-1', memberId: 'plant-1', groupId: 'session-9' };

  it('keep a frame that fits in one message', () => {
    const [only, ...rest] = splitFrame(route, 4, Buffer.from('small frame'), 4096);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ correlation_id: 'job-0001', group_id: 'session-9', application_properties: { [RESULT_PROPERTIES.seq]: 4, [RESULT_PROPERTIES.part]: 0, [RESULT_PROPERTIES.parts]: 1 } });
    expect(readResultMessage(only!)).toEqual({ jobId: 'job-0001', runId: 'run-1', memberId: 'plant-1', seq: 4, part: 0, parts: 1, data: Buffer.from('small frame') });
  });

  it('split a large frame into messages within the limit, which read back into the frame', () => {
    const frame = Buffer.alloc(20_000, 7);
    frame.write('head', 0);
    const max = 4096;
    const messages = splitFrame(route, 9, frame, max);
    const room = max - RESULT_MESSAGE_OVERHEAD_BYTES;
    expect(messages).toHaveLength(Math.ceil(frame.length / room));
    const parts = messages.map(readResultMessage);
    for (const p of parts) expect(p.data.length).toBeLessThanOrEqual(room);
    expect(parts.map((p) => p.part)).toEqual(parts.map((_, i) => i));
    expect(Buffer.concat(parts.map((p) => p.data)).equals(frame)).toBe(true);
  });

  it('refuse a message that is not a result part', () => {
    const [good] = splitFrame(route, 0, Buffer.from('x'), 4096);
    for (const bad of [{ ...good!, correlation_id: undefined }, { ...good!, application_properties: { ...good!.application_properties, [RESULT_PROPERTIES.part]: 1 } }, { ...good!, body: 12 }]) {
      expect(() => readResultMessage(bad)).toThrow(expect.objectContaining({ code: 'CW_RELAY_PROTOCOL' }));
    }
  });
});
