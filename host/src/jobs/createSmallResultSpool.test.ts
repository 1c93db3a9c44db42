import { createDiskSpooler } from '@causeway/spooler-disk';
import type { JobSpool, Logger, SpooledFrame, Spooler } from '@causeway/sdk';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmallResultSpool } from './createSmallResultSpool.js';

const folders: string[] = [];
const spoolers: Spooler[] = [];
afterEach(async () => {
  for (const spooler of spoolers.splice(0)) await spooler.dispose?.();
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

const frame = (seq: number, size = 10): SpooledFrame => ({ seq, data: new Uint8Array(size).fill(seq % 256) });

async function collect(frames: AsyncIterable<SpooledFrame>): Promise<number[]> {
  const seqs: number[] = [];
  for await (const f of frames) seqs.push(f.seq);
  return seqs;
}

/** A real disk spooler in a temp folder, counting the spools it opened. */
async function diskSpooler(): Promise<{ open: () => Promise<JobSpool>; opened: () => number; folder: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'cw-small-spool-'));
  folders.push(folder);
  const spooler = await createDiskSpooler({ directory: folder, logger: quiet });
  spoolers.push(spooler);
  let opened = 0;
  return {
    folder,
    opened: () => opened,
    open: () => {
      opened++;
      return spooler.open(`job-${opened}`);
    },
  };
}

describe('createSmallResultSpool', () => {
  it('keeps a small result in memory: no spool is opened, readers and resumes see every frame', async () => {
    const disk = await diskSpooler();
    const spool = createSmallResultSpool(disk.open, 1000);
    const reading = collect(spool.read(0));
    for (let seq = 0; seq < 3; seq++) await spool.append(frame(seq));
    await spool.seal();
    expect(await reading).toEqual([0, 1, 2]);
    await spool.acknowledge(0);
    // A resume after a dropped connection reads again from the relay's point.
    expect(await collect(spool.read(1))).toEqual([1, 2]);
    expect(spool.stats()).toEqual({ appended: 3, acknowledged: 0, bytes: 30, sealed: true });
    await spool.discard();
    expect(disk.opened()).toBe(0);
    expect(await readdir(disk.folder)).toEqual([]);
  });

  it('moves to the real spool when the result passes the limit, keeping order, acks and a waiting reader', async () => {
    const disk = await diskSpooler();
    const spool = createSmallResultSpool(disk.open, 25);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const f of spool.read(0)) {
        seen.push(f.seq);
        expect(f.data[0]).toBe(f.seq);
      }
    })();
    await spool.append(frame(0));
    await spool.append(frame(1));
    await new Promise((resolve) => setImmediate(resolve));
    await spool.acknowledge(0);
    expect(disk.opened()).toBe(0);
    await spool.append(frame(2)); // 30 bytes > 25: moves
    expect(disk.opened()).toBe(1);
    for (let seq = 3; seq < 6; seq++) await spool.append(frame(seq));
    await spool.seal();
    await reading;
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(spool.stats()).toMatchObject({ appended: 6, acknowledged: 0, sealed: true });
    // The real spool freed what was acknowledged before the move.
    await expect(collect(spool.read(0))).rejects.toMatchObject({ code: 'CW_SPOOL_IO' });
    expect(await collect(spool.read(3))).toEqual([3, 4, 5]);
    await spool.discard();
  });

  it('reports a failing spool to the producer at the append that needed it', async () => {
    const spool = createSmallResultSpool(() => Promise.reject(new Error('disk gone')), 15);
    await spool.append(frame(0));
    await expect(spool.append(frame(1))).rejects.toThrow('disk gone');
    await spool.discard();
  });

  it('refuses a frame out of sequence', async () => {
    const spool = createSmallResultSpool(() => Promise.reject(new Error('unused')), 100);
    await expect(spool.append(frame(1))).rejects.toMatchObject({ code: 'CW_SPOOL_IO' });
  });

  it('ends an aborted read without a frame', async () => {
    const spool = createSmallResultSpool(() => Promise.reject(new Error('unused')), 100);
    const controller = new AbortController();
    const reading = collect(spool.read(0, controller.signal));
    controller.abort();
    expect(await reading).toEqual([]);
  });
});
