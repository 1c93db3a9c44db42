import { createMemorySpooler } from '@causeway/spooler-memory';
import type { JobSpool, SpooledFrame } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { createJobFrameSource, type JobFrameSource } from './jobFrameSource.js';

const frame = (seq: number, text = `frame ${seq}`): SpooledFrame => ({ seq, data: new TextEncoder().encode(text) });
const text = (f: SpooledFrame) => new TextDecoder().decode(f.data);

async function collect(source: JobFrameSource, fromSeq: number, signal = new AbortController().signal): Promise<string[]> {
  const seen: string[] = [];
  for await (const f of source.read(fromSeq, signal)) seen.push(`${f.seq}:${text(f)}`);
  return seen;
}

/** A spool holding `count` frames, sealed, with the terminal frame set after them. */
async function finished(count: number, jobId = `job-${count}-${Math.random()}`): Promise<{ spool: JobSpool; source: JobFrameSource }> {
  const spool = await createMemorySpooler().open(jobId);
  const source = createJobFrameSource(spool);
  for (let seq = 0; seq < count; seq++) await spool.append(frame(seq));
  await spool.seal();
  source.finish(frame(count, 'end'));
  return { spool, source };
}

/** Lets pending promise callbacks run (no timing involved: one turn of the event loop). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createJobFrameSource', () => {
  it('yields the spooled frames, then the terminal frame', async () => {
    const { source } = await finished(3);
    expect(await collect(source, 0)).toEqual(['0:frame 0', '1:frame 1', '2:frame 2', '3:end']);
  });

  it('streams frames as they are appended and ends with the terminal frame set after sealing', async () => {
    const spool = await createMemorySpooler().open('job-streaming');
    const source = createJobFrameSource(spool);
    const reading = collect(source, 0);
    await spool.append(frame(0));
    await settle();
    await spool.append(frame(1));
    await spool.seal();
    await settle();
    source.finish(frame(2, 'end'));
    expect(await reading).toEqual(['0:frame 0', '1:frame 1', '2:end']);
  });

  it('resumes from the middle', async () => {
    const { source } = await finished(4);
    expect(await collect(source, 2)).toEqual(['2:frame 2', '3:frame 3', '4:end']);
  });

  it('resumes from exactly the terminal seq, and past it yields nothing', async () => {
    const { source } = await finished(2);
    expect(await collect(source, 2)).toEqual(['2:end']);
    expect(await collect(source, 3)).toEqual([]);
  });

  it('sends an error before any frame as the terminal frame at seq 0', async () => {
    const spool = await createMemorySpooler().open('job-error');
    const source = createJobFrameSource(spool);
    const reading = collect(source, 0);
    await spool.seal();
    await settle();
    source.finish(frame(0, 'error: CW_AUTH_DENIED'));
    expect(await reading).toEqual(['0:error: CW_AUTH_DENIED']);
    let acked = false;
    void source.acknowledged.then(() => (acked = true));
    await source.acknowledge(0);
    await settle();
    expect(acked).toBe(true);
    expect(spool.stats().acknowledged).toBe(-1);
  });

  it('wakes every reader waiting for the terminal frame', async () => {
    const spool = await createMemorySpooler().open('job-two-readers');
    const source = createJobFrameSource(spool);
    await spool.append(frame(0));
    await spool.seal();
    const first = collect(source, 0);
    const second = collect(source, 1);
    await settle();
    source.finish(frame(1, 'end'));
    expect(await first).toEqual(['0:frame 0', '1:end']);
    expect(await second).toEqual(['1:end']);
  });

  it('stops waiting for the terminal frame when the read is aborted', async () => {
    const spool = await createMemorySpooler().open('job-abort');
    const source = createJobFrameSource(spool);
    await spool.append(frame(0));
    await spool.seal();
    const controller = new AbortController();
    const reading = collect(source, 0, controller.signal);
    await settle();
    controller.abort();
    expect(await reading).toEqual(['0:frame 0']);
    // A later read still gets the terminal frame.
    source.finish(frame(1, 'end'));
    expect(await collect(source, 1)).toEqual(['1:end']);
  });

  it('acknowledges spooled frames to the spool; only the terminal ack resolves `acknowledged`', async () => {
    const { spool, source } = await finished(3);
    let acked = false;
    void source.acknowledged.then(() => (acked = true));
    await source.acknowledge(1);
    await settle();
    expect(spool.stats().acknowledged).toBe(1);
    expect(acked).toBe(false);
    await source.acknowledge(3);
    await settle();
    expect(spool.stats()).toMatchObject({ acknowledged: 2, bytes: 0 });
    expect(acked).toBe(true);
  });

  it('passes an acknowledgement made before the terminal frame on to the spool', async () => {
    const spool = await createMemorySpooler().open('job-early-ack');
    const source = createJobFrameSource(spool);
    await spool.append(frame(0));
    await spool.append(frame(1));
    await source.acknowledge(0);
    expect(spool.stats().acknowledged).toBe(0);
    expect(await collect(source, 1, AbortSignal.abort())).toEqual([]);
  });
});
