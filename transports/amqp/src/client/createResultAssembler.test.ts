import { createFrameDecoder, createFrameEncoder } from '@causeway/protocol';
import type { Column } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import type { ResultPart } from '../resultMessages.js';
import { createResultAssembler } from './createResultAssembler.js';

const columns: Column[] = [{ name: 'id', type: 'int64' }, { name: 'h', type: 'string' }];

/** The frames of a result of `batches` batches of 3 rows; `salt` changes the rows (a run that differs). */
function frames(batches: number, salt = ''): Buffer[] {
  const enc = createFrameEncoder('msgpack');
  const out = [enc.schema(0, columns)];
  for (let b = 0; b < batches; b++) out.push(enc.rows(b + 1, [0, 1, 2].map((i) => [BigInt(b * 3 + i + 1), `row-${b * 3 + i + 1}${salt}`])));
  out.push(enc.end(batches + 1, { rows: batches * 3, bytes: 0, timings: {} }));
  return out;
}

/** The result messages a run sends: each frame in parts of at most `size` bytes. */
function messages(runId: string, memberId: string, all: Buffer[], size = 1_000_000): ResultPart[] {
  const out: ResultPart[] = [];
  all.forEach((frame, seq) => {
    const parts = Math.max(1, Math.ceil(frame.length / size));
    for (let part = 0; part < parts; part++) out.push({ jobId: 'job-1', runId, memberId, seq, part, parts, data: frame.subarray(part * size, (part + 1) * size) });
  });
  return out;
}

function deliver(assembler: ReturnType<typeof createResultAssembler>, parts: ResultPart[]): Uint8Array[] {
  return parts.flatMap((p) => assembler.push(p));
}

describe('createResultAssembler', () => {
  it('puts split frames back together and delivers them in order, once', () => {
    const all = frames(4);
    const assembler = createResultAssembler('job-1');
    const parts = messages('run-a', 'm1', all, 7);
    expect(parts.length).toBeGreaterThan(all.length * 3);
    const out = deliver(assembler, parts);
    expect(out.map((f) => Buffer.from(f))).toEqual(all);
    expect(assembler.finished).toBe(true);
    expect(assembler.runs).toEqual([{ runId: 'run-a', memberId: 'm1', framesDelivered: all.length }]);
    // Later copies (a run delivered twice by the broker, or another run) change nothing.
    expect(deliver(assembler, messages('run-b', 'm2', all))).toEqual([]);
  });

  it('ignores messages a run sends twice', () => {
    const all = frames(2);
    const assembler = createResultAssembler('job-1');
    const parts = messages('run-a', 'm1', all, 10);
    const withRepeats = parts.flatMap((p, i) => (i % 3 === 0 ? [p, p] : [p]));
    expect(deliver(assembler, withRepeats).map((f) => Buffer.from(f))).toEqual(all);
  });

  it('completes a result from a second run after the first died mid-frame: every frame once, in order', () => {
    const all = frames(6);
    const assembler = createResultAssembler('job-1');
    const first = messages('run-a', 'doomed', all, 9);
    // The first run got through frame 3 and half of frame 4, then its member died.
    const cut = first.findIndex((p) => p.seq === 4 && p.part === 1);
    const delivered = deliver(assembler, first.slice(0, cut));
    expect(delivered).toHaveLength(4);
    // The second run starts again from frame 0, with other part sizes.
    const rest = deliver(assembler, messages('run-b', 'survivor', all, 13));
    expect([...delivered, ...rest].map((f) => Buffer.from(f))).toEqual(all);
    expect(assembler.runs).toEqual([
      { runId: 'run-a', memberId: 'doomed', framesDelivered: 4 },
      { runId: 'run-b', memberId: 'survivor', framesDelivered: all.length - 4 },
    ]);
    // What the client decodes from it is one valid result.
    const decoder = createFrameDecoder();
    const rows = [...delivered, ...rest].map((f) => decoder.decode(f)).flatMap((f) => (f.type === 'batch' ? f.rows : []));
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 18 }, (_, i) => BigInt(i + 1)));
  });

  it('interleaves two live runs without duplicating or mixing a frame', () => {
    const all = frames(5);
    const assembler = createResultAssembler('job-1');
    const a = messages('run-a', 'm1', all, 11);
    const b = messages('run-b', 'm2', all, 5);
    const out: Uint8Array[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i]) out.push(...assembler.push(a[i]!));
      if (b[i]) out.push(...assembler.push(b[i]!));
    }
    expect(out.map((f) => Buffer.from(f))).toEqual(all);
  });

  it('fails with CW_RESULT_DIVERGED when a second run produced a delivered frame differently', () => {
    const assembler = createResultAssembler('job-1');
    deliver(assembler, messages('run-a', 'doomed', frames(4)).slice(0, 3));
    const second = messages('run-b', 'survivor', frames(4, '-changed'));
    expect(deliver(assembler, second.slice(0, 1))).toEqual([]); // the schema is the same
    expect(() => deliver(assembler, second.slice(1, 2))).toThrow(expect.objectContaining({ code: 'CW_RESULT_DIVERGED' }));
    try {
      assembler.push(second[1]!);
    } catch (error) {
      expect((error as Error).message).toContain('job job-1 ran again on member survivor');
      expect((error as Error).message).toContain('the run on member doomed');
    }
  });

  it("reports a second run's own error where the delivered result went on", () => {
    const assembler = createResultAssembler('job-1');
    deliver(assembler, messages('run-a', 'doomed', frames(4)).slice(0, 3));
    const enc = createFrameEncoder('msgpack');
    const failing = [enc.schema(0, columns), enc.error(1, { code: 'CW_QUERY_FAILED', message: 'relation "sales" does not exist' })];
    expect(() => deliver(assembler, messages('run-b', 'survivor', failing))).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('relation "sales" does not exist') }));
  });

  it('fails with CW_FRAME_INVALID when a run skipped messages (lost on the way)', () => {
    const all = frames(3);
    const assembler = createResultAssembler('job-1');
    const parts = messages('run-a', 'm1', all, 10);
    const skipped = parts.filter((_, i) => i !== 2);
    expect(() => deliver(assembler, skipped)).toThrow(expect.objectContaining({ code: 'CW_FRAME_INVALID', message: expect.stringContaining('are missing: expected frame') }));
    const late = createResultAssembler('job-1');
    expect(() => late.push(messages('run-c', 'm3', all)[2]!)).toThrow(expect.objectContaining({ code: 'CW_FRAME_INVALID' }));
  });

  it('refuses a message whose part count changes within a frame, or whose frame is not the one it says', () => {
    const all = frames(1);
    const assembler = createResultAssembler('job-1');
    const parts = messages('run-a', 'm1', all, 10);
    expect(() => assembler.push({ ...parts[0]!, parts: 2, data: parts[0]!.data }) && assembler.push({ ...parts[1]!, parts: 3 })).toThrow(expect.objectContaining({ code: 'CW_FRAME_INVALID' }));
    const wrong = createResultAssembler('job-1');
    expect(() => wrong.push({ jobId: 'job-1', runId: 'r', memberId: 'm', seq: 0, part: 0, parts: 1, data: all[1]! })).toThrow(expect.objectContaining({ code: 'CW_FRAME_INVALID', message: expect.stringContaining('holds frame 1') }));
  });
});
