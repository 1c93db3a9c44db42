import { getEventListeners } from 'node:events';
import type { JobSpool, SpooledFrame } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { createMemorySpooler } from './createMemorySpooler.js';

function frame(seq: number, size = 16): SpooledFrame {
  return { seq, data: new Uint8Array(size).fill(seq % 256) };
}

async function collect(iterable: AsyncIterable<SpooledFrame>, limit = Infinity): Promise<SpooledFrame[]> {
  const out: SpooledFrame[] = [];
  for await (const f of iterable) {
    out.push(f);
    if (out.length >= limit) break;
  }
  return out;
}

async function appendMany(spool: JobSpool, from: number, to: number, size = 16): Promise<void> {
  for (let seq = from; seq < to; seq += 1) await spool.append(frame(seq, size));
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: unknown; message: string };
  }
  throw new Error('expected a rejection');
}

describe('createMemorySpooler', () => {
  it('reads appended frames in order after seal (spool-first)', async () => {
    const spool = await createMemorySpooler().open('job-1');
    await appendMany(spool, 0, 5);
    await spool.seal();
    const frames = await collect(spool.read(0));
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(frames[3]!.data).toEqual(new Uint8Array(16).fill(3));
    expect(spool.stats()).toEqual({ appended: 5, acknowledged: -1, bytes: 80, sealed: true });
  });

  it('keeps what was appended even if the producer reuses its buffer', async () => {
    const spool = await createMemorySpooler().open('job-1');
    const data = new Uint8Array([1, 2, 3]);
    await spool.append({ seq: 0, data });
    data.fill(9);
    await spool.seal();
    expect((await collect(spool.read(0)))[0]!.data).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('refuses an out-of-order append, naming expected and got', async () => {
    const spool = await createMemorySpooler().open('job-1');
    await spool.append(frame(0));
    const error = await rejection(spool.append(frame(2)));
    expect(error.code).toBe('CW_SPOOL_IO');
    expect(error.message).toContain('expected frame seq 1, got 2');
    await spool.seal();
    expect((await rejection(spool.append(frame(1)))).message).toContain('sealed');
  });

  it('streams frames to a reader while they are appended', async () => {
    const spool = await createMemorySpooler().open('job-1');
    const reading = collect(spool.read(0));
    for (let seq = 0; seq < 50; seq += 1) {
      await spool.append(frame(seq));
      if (seq % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await spool.seal();
    expect((await reading).map((f) => f.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('resumes from a middle seq after an aborted read, leaving no abort listener behind', async () => {
    const spool = await createMemorySpooler().open('job-1');
    await appendMany(spool, 0, 3);
    const controller = new AbortController();
    const seen: number[] = [];
    const first = (async () => {
      for await (const f of spool.read(0, controller.signal)) seen.push(f.seq);
    })();
    while (seen.length < 3) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await first;
    expect(seen).toEqual([0, 1, 2]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    await spool.acknowledge(1);
    await appendMany(spool, 3, 6);
    await spool.seal();
    expect((await collect(spool.read(2))).map((f) => f.seq)).toEqual([2, 3, 4, 5]);
  });

  it('frees acknowledged frames and refuses to read them', async () => {
    const spooler = createMemorySpooler();
    const spool = await spooler.open('job-1');
    await appendMany(spool, 0, 4, 10);
    await spool.acknowledge(1);
    expect(spool.stats()).toMatchObject({ acknowledged: 1, bytes: 20 });
    expect(spooler.usage()).toEqual({ bytes: 20, jobs: 1 });
    const error = await rejection(collect(spool.read(1)));
    expect(error.code).toBe('CW_SPOOL_IO');
    expect(error.message).toContain('frames up to 1 were acknowledged');
    expect((await rejection(spool.acknowledge(9))).message).toContain('only 4 frames were appended');
  });

  it('fails only the job that passes the quota; another job keeps appending', async () => {
    const spooler = createMemorySpooler({ quotaBytes: 100 });
    const big = await spooler.open('job-big');
    const small = await spooler.open('job-small');
    await appendMany(big, 0, 8, 10);
    const error = await rejection(big.append(frame(8, 30)));
    expect(error.code).toBe('CW_SPOOL_FULL');
    expect(error.message).toContain('100 bytes');
    expect(error.message).toContain('job-big');
    expect(spooler.usage()).toEqual({ bytes: 80, jobs: 2 });

    await small.append(frame(0, 20));
    await small.seal();
    expect((await collect(small.read(0))).map((f) => f.data.byteLength)).toEqual([20]);

    await big.discard();
    expect(spooler.usage()).toEqual({ bytes: 20, jobs: 1 });
  });

  it('discards idempotently, frees its bytes and ends waiting readers with CW_SPOOL_IO', async () => {
    const spooler = createMemorySpooler();
    const spool = await spooler.open('job-1');
    await appendMany(spool, 0, 2);
    const reading = rejection(collect(spool.read(0)));
    await new Promise((resolve) => setImmediate(resolve));
    await spool.discard();
    await spool.discard();
    expect((await reading).message).toContain('discarded');
    expect(spooler.usage()).toEqual({ bytes: 0, jobs: 0 });
    expect(spool.stats().bytes).toBe(0);
    await expect(spooler.open('job-1')).resolves.toBeDefined();
  });

  it('refuses a second spool for the same job and any spool after dispose', async () => {
    const spooler = createMemorySpooler();
    await spooler.open('job-1');
    expect((await rejection(spooler.open('job-1'))).message).toContain('already has one');
    await spooler.dispose?.();
    expect(spooler.usage()).toEqual({ bytes: 0, jobs: 0 });
    expect((await rejection(spooler.open('job-2'))).code).toBe('CW_SPOOL_IO');
  });
});
