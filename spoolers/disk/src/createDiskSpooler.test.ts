import { getEventListeners } from 'node:events';
import { mkdir, mkdtemp, open, readFile, readdir, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobSpool, Logger, SpooledFrame, Spooler } from '@causeway/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiskSpooler } from './createDiskSpooler.js';

interface LogLine {
  level: string;
  obj: object | string;
  msg: string | undefined;
}

function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger: Logger & { lines: LogLine[] } = {
    lines,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

function frame(seq: number, size = 64): SpooledFrame {
  return { seq, data: Buffer.alloc(size, `frame-${seq};`) };
}

async function collect(iterable: AsyncIterable<SpooledFrame>): Promise<SpooledFrame[]> {
  const out: SpooledFrame[] = [];
  for await (const f of iterable) out.push(f);
  return out;
}

async function appendMany(spool: JobSpool, from: number, to: number, size = 64): Promise<void> {
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

/** Every file under `folder`, with its size. */
async function filesUnder(folder: string): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push({ path, size: (await stat(path)).size });
  }
  return out;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Routes every FileHandle.writev (the prototype is shared by all handles) through `around`, which
 * calls `write()` to do the real write or answers otherwise. Returns the function that restores it.
 */
async function wrapWritev(directory: string, around: (write: () => ReturnType<FileHandle['writev']>) => ReturnType<FileHandle['writev']>): Promise<() => void> {
  const probe = await open(join(directory, '..', 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const original = proto.writev;
  proto.writev = function (this: FileHandle, ...args: Parameters<FileHandle['writev']>) {
    return around(() => original.apply(this, args));
  } as FileHandle['writev'];
  return () => {
    proto.writev = original;
  };
}

describe('createDiskSpooler', () => {
  let directory: string;

  beforeEach(async () => {
    directory = join(await mkdtemp(join(tmpdir(), 'causeway-disk-spool-')), 'spool');
  });

  // Every spooler a test makes is disposed, so no segment file handle is left for the GC to close.
  const made: Spooler[] = [];
  const make = async (options: Parameters<typeof createDiskSpooler>[0]): Promise<Spooler> => {
    const spooler = await createDiskSpooler(options);
    made.push(spooler);
    return spooler;
  };
  afterEach(async () => {
    await Promise.all(made.splice(0).map((s) => s.dispose?.()));

    await rm(join(directory, '..'), { recursive: true, force: true });
  });

  it('reads appended frames in order after seal (spool-first)', async () => {
    const spool = await (await make({ directory, logger: recordingLogger() })).open('job-1');
    await appendMany(spool, 0, 10);
    await spool.seal();
    const frames = await collect(spool.read(0));
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Buffer.from(frames[7]!.data)).toEqual(frame(7).data);
    expect(spool.stats()).toEqual({ appended: 10, acknowledged: -1, bytes: 10 * (64 + 32), sealed: true });
    // A second read of the same frames (spool-first mode re-reads after a reconnect).
    expect((await collect(spool.read(4))).map((f) => f.seq)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('refuses an out-of-order append, naming expected and got, and appends after seal', async () => {
    const spool = await (await make({ directory, logger: recordingLogger() })).open('job-1');
    await spool.append(frame(0));
    const error = await rejection(spool.append(frame(5)));
    expect(error.code).toBe('CW_SPOOL_IO');
    expect(error.message).toContain('expected frame seq 1, got 5');
    await spool.seal();
    expect((await rejection(spool.append(frame(1)))).message).toContain('sealed');
  });

  it('writes appends issued without waiting in seq order', async () => {
    const spool = await (await make({ directory, segmentBytes: 500, logger: recordingLogger() })).open('job-1');
    await Promise.all(Array.from({ length: 30 }, (_, seq) => spool.append(frame(seq))));
    await spool.seal();
    const frames = await collect(spool.read(0));
    expect(frames.map((f) => Buffer.from(f.data).toString().slice(0, 9))).toEqual(frames.map((f) => frame(f.seq).data.toString().slice(0, 9)));
    expect(frames).toHaveLength(30);
  });

  it('writes the appends that come while a write is on disk together, in fewer writes than frames (group commit)', async () => {
    let writes = 0;
    const restore = await wrapWritev(directory, (write) => {
      writes += 1;
      return write();
    });
    try {
      for (const segmentBytes of [undefined, 1000]) {
        writes = 0;
        const spool = await (await make({ directory, ...(segmentBytes ? { segmentBytes } : {}), logger: recordingLogger() })).open(`job-${segmentBytes ?? 'big'}`);
        await Promise.all(Array.from({ length: 200 }, (_, seq) => spool.append(frame(seq))));
        await spool.seal();
        const frames = await collect(spool.read(0));
        expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i));
        for (const f of frames) expect(Buffer.from(f.data)).toEqual(frame(f.seq).data);
        if (segmentBytes) {
          // 96-byte records, 1,000-byte segments: a write never crosses a segment, so at least 20 writes.
          expect(writes).toBeGreaterThanOrEqual(20);
          expect(writes).toBeLessThan(60);
        } else {
          // At most 64 records a write: at least 4 writes, and far fewer than 200.
          expect(writes).toBeGreaterThanOrEqual(4);
          expect(writes).toBeLessThanOrEqual(10);
        }
      }
    } finally {
      restore();
    }
  });

  it('when a grouped write fails, keeps the frames written before it and fails the rest and every later append', async () => {
    let writes = 0;
    const restore = await wrapWritev(directory, (write) => {
      writes += 1;
      if (writes === 2) return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      return write();
    });
    try {
      // 96-byte records in 1,000-byte segments: the first write takes frames 0-9, the second (failing) 10-19.
      const spool = await (await make({ directory, segmentBytes: 1000, logger: recordingLogger() })).open('job-1');
      const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, seq) => spool.append(frame(seq))));
      expect(outcomes.slice(0, 10).every((o) => o.status === 'fulfilled')).toBe(true);
      for (const outcome of outcomes.slice(10)) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'CW_SPOOL_FULL' } });
      }
      expect(spool.stats().appended).toBe(10);
      const read: SpooledFrame[] = [];
      const error = await rejection(
        (async () => {
          for await (const f of spool.read(0)) read.push(f);
        })(),
      );
      expect(read.map((f) => f.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i));
      expect(error).toMatchObject({ code: 'CW_SPOOL_IO', message: expect.stringContaining('cannot read frame 10: an earlier append failed') });
      expect(await rejection(spool.append(frame(40)))).toMatchObject({ code: 'CW_SPOOL_IO', message: expect.stringContaining('an earlier append failed') });
    } finally {
      restore();
    }
  });

  it('streams frames to a reader while they are appended, across segment files', async () => {
    const spool = await (await make({ directory, segmentBytes: 1000, logger: recordingLogger() })).open('job-1');
    const reading = collect(spool.read(0));
    for (let seq = 0; seq < 100; seq += 1) {
      await spool.append(frame(seq));
      if (seq % 9 === 0) await tick();
    }
    await spool.seal();
    const frames = await reading;
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Buffer.from(frames[42]!.data)).toEqual(frame(42).data);
  });

  it('gives every reader frames of their own while it reuses its read buffer (small, large and 1 MiB-plus frames mixed)', async () => {
    // Sizes that make chunks of many small records, of one record, and of one record larger than a chunk, in turn.
    const sizes = [10, 3000, 64, 1024 * 1024 + 5, 7, 200_000, 200_000, 1, 600_000, 50, 0, 1500 * 1024, 33];
    const distinct = (seq: number, size: number): SpooledFrame => {
      const data = Buffer.alloc(size);
      for (let i = 0; i < size; i += 1) data[i] = (seq * 31 + i) & 0xff;
      return { seq, data };
    };
    const spool = await (await make({ directory, segmentBytes: 3 * 1024 * 1024, logger: recordingLogger() })).open('job-1');
    const live = collect(spool.read(0));
    for (const [seq, size] of sizes.entries()) await spool.append(distinct(seq, size));
    await spool.seal();
    // Kept until the end: a frame that aliased the reader's buffer would show a later frame's bytes.
    const readers = [await live, await collect(spool.read(0)), await collect(spool.read(5))];
    for (const frames of readers) {
      for (const f of frames) expect(Buffer.from(f.data).equals(distinct(f.seq, sizes[f.seq]!).data as Buffer)).toBe(true);
    }
    expect(readers.map((frames) => frames.length)).toEqual([sizes.length, sizes.length, sizes.length - 5]);
  });

  it('resumes from a middle seq after an aborted read, leaving no abort listener behind', async () => {
    const spool = await (await make({ directory, segmentBytes: 300, logger: recordingLogger() })).open('job-1');
    await appendMany(spool, 0, 5);
    const controller = new AbortController();
    const seen: number[] = [];
    const first = (async () => {
      for await (const f of spool.read(0, controller.signal)) seen.push(f.seq);
    })();
    while (seen.length < 5) await tick();
    // The reader now waits for frame 5, which never comes before the abort.
    controller.abort();
    await first;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    await spool.acknowledge(2);
    const resumed = collect(spool.read(3));
    await appendMany(spool, 5, 8);
    await spool.seal();
    expect((await resumed).map((f) => f.seq)).toEqual([3, 4, 5, 6, 7]);
  });

  it('frees acknowledged bytes, deletes fully acknowledged segment files and refuses to read them', async () => {
    const spooler = await make({ directory, segmentBytes: 4 * 96, logger: recordingLogger() });
    const spool = await spooler.open('job-1');
    await appendMany(spool, 0, 12); // 3 segments of 4 records of 96 bytes
    expect((await filesUnder(directory)).filter((f) => f.path.endsWith('.seg'))).toHaveLength(3);

    await spool.acknowledge(5);
    expect(spool.stats()).toMatchObject({ acknowledged: 5, bytes: 6 * 96 });
    expect(spooler.usage()).toEqual({ bytes: 6 * 96, jobs: 1 });
    expect((await filesUnder(directory)).filter((f) => f.path.endsWith('.seg'))).toHaveLength(2);

    const error = await rejection(collect(spool.read(5)));
    expect(error.code).toBe('CW_SPOOL_IO');
    expect(error.message).toContain('frames up to 5 were acknowledged');

    await spool.seal();
    await spool.acknowledge(11);
    expect(await filesUnder(directory)).toEqual([]);
    expect(spooler.usage()).toEqual({ bytes: 0, jobs: 1 });
  });

  it('fails only the job that passes the quota; another job keeps appending', async () => {
    const spooler = await make({ directory, quotaBytes: 910, logger: recordingLogger() });
    const big = await spooler.open('job-big');
    const small = await spooler.open('job-small');
    await appendMany(big, 0, 9); // 9 × 96 = 864 bytes
    const error = await rejection(big.append(frame(9)));
    expect(error.code).toBe('CW_SPOOL_FULL');
    expect(error.message).toContain('910 bytes');
    expect(error.message).toContain('job-big');
    expect(spooler.usage()).toEqual({ bytes: 864, jobs: 2 });

    await small.append(frame(0, 10));
    await small.seal();
    expect((await collect(small.read(0))).map((f) => Buffer.from(f.data))).toEqual([frame(0, 10).data]);
    expect(spooler.usage()).toEqual({ bytes: 864 + 42, jobs: 2 });

    // Once frames are acknowledged the same job may go on.
    await big.acknowledge(4);
    await big.append(frame(9));
    expect(big.stats().appended).toBe(10);
  });

  it('discards idempotently: deletes the job folder, frees its bytes and ends readers with CW_SPOOL_IO', async () => {
    const spooler = await make({ directory, logger: recordingLogger() });
    const spool = await spooler.open('job/../../escape?');
    await appendMany(spool, 0, 3);
    const [folder] = await readdir(directory);
    expect(folder).toMatch(/^job-job_______escape_-[0-9a-f]{8}$/);
    const reading = rejection(collect(spool.read(0)));
    await tick();
    await Promise.all([spool.discard(), spool.discard()]);
    await spool.discard();
    expect((await reading).message).toContain('discarded');
    expect(await readdir(directory)).toEqual([]);
    expect(spooler.usage()).toEqual({ bytes: 0, jobs: 0 });
    expect((await rejection(spool.append(frame(3)))).code).toBe('CW_SPOOL_IO');
  });

  it('writes no plaintext to disk and creates folders 0700 and files 0600', async () => {
    const spooler = await make({ directory, segmentBytes: 256, logger: recordingLogger() });
    const spool = await spooler.open('job-secret');
    const marker = Buffer.from('rows...SECRET-PLAINTEXT-MARKER...rows');
    for (let seq = 0; seq < 10; seq += 1) await spool.append({ seq, data: marker });
    const check = async (): Promise<void> => {
      const files = await filesUnder(directory);
      expect(files.length).toBeGreaterThan(1);
      for (const file of files) {
        const bytes = await readFile(file.path);
        expect(bytes.includes('SECRET-PLAINTEXT-MARKER')).toBe(false);
        expect((await stat(file.path)).mode & 0o777).toBe(0o600);
      }
    };
    await check();
    await spool.seal();
    await check();
    const [folder] = await readdir(directory);
    expect((await stat(join(directory, folder!))).mode & 0o777).toBe(0o700);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await collect(spool.read(0))).every((f) => Buffer.from(f.data).equals(marker))).toBe(true);
  });

  it('fails a read of a tampered segment with CW_SPOOL_IO', async () => {
    const spool = await (await make({ directory, logger: recordingLogger() })).open('job-1');
    await appendMany(spool, 0, 2);
    await spool.seal();
    const [segment] = await filesUnder(directory);
    const bytes = await readFile(segment!.path);
    bytes[96 + 40]! ^= 0xff; // inside frame 1's ciphertext
    await writeFile(segment!.path, bytes);
    const seen: number[] = [];
    const error = await rejection(
      (async () => {
        for await (const f of spool.read(0)) seen.push(f.seq);
      })(),
    );
    expect(seen).toEqual([0]);
    expect(error.code).toBe('CW_SPOOL_IO');
    expect(error.message).toContain('frame 1');
  });

  it('deletes job folders left by a previous run at start, and logs how many', async () => {
    const first = await make({ directory, logger: recordingLogger() });
    await appendMany(await first.open('job-a'), 0, 3);
    await appendMany(await first.open('job-b'), 0, 3);
    await mkdir(join(directory, 'not-a-job'));
    await writeFile(join(directory, 'README'), 'kept');

    const logger = recordingLogger();
    const second = await make({ directory, logger });
    expect((await readdir(directory)).sort()).toEqual(['README', 'not-a-job']);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'info', obj: { directory, removed: 2 } }));
    expect(second.usage()).toEqual({ bytes: 0, jobs: 0 });
  });

  it('keeps files and bytes on disk bounded while 20,000 frames of 1 KiB stream through with acknowledgements', async () => {
    const segmentBytes = 64 * 1024;
    const window = 256; // frames the producer may run ahead of the last acknowledgement
    const recordBytes = 1024 + 32;
    const spooler = await make({ directory, segmentBytes, quotaBytes: 1024 * 1024, logger: recordingLogger() });
    const spool = await spooler.open('job-big');
    const total = 20_000;
    let acknowledged = -1;
    let maxFiles = 0;
    let maxBytes = 0;
    let received = 0;
    let outOfOrder = 0;
    let acknowledgedMore: () => void = () => undefined;

    const consumer = (async () => {
      for await (const f of spool.read(0)) {
        if (f.seq !== received || f.data.byteLength !== 1024) outOfOrder += 1;
        received += 1;
        if (f.seq % 64 === 63 || f.seq === total - 1) {
          await spool.acknowledge(f.seq);
          acknowledged = f.seq;
          acknowledgedMore();
        }
        if (f.seq % 1000 === 0) {
          const files = await filesUnder(directory);
          maxFiles = Math.max(maxFiles, files.length);
          maxBytes = Math.max(maxBytes, files.reduce((sum, file) => sum + file.size, 0));
        }
      }
    })();

    const data = Buffer.alloc(1024, 7);
    for (let seq = 0; seq < total; seq += 1) {
      // The relay's flow control, in small: wait for an acknowledgement when too far ahead.
      while (seq - acknowledged > window) await new Promise<void>((resolve) => (acknowledgedMore = resolve));
      await spool.append({ seq, data });
    }
    await spool.seal();
    await consumer;

    expect(received).toBe(total);
    expect(outOfOrder).toBe(0);
    expect(spool.stats()).toEqual({ appended: total, acknowledged: total - 1, bytes: 0, sealed: true });
    const windowSegments = Math.ceil(((window + 64) * recordBytes) / segmentBytes);
    expect(maxFiles).toBeGreaterThan(0);
    expect(maxFiles).toBeLessThanOrEqual(windowSegments + 2);
    expect(maxBytes).toBeLessThanOrEqual((windowSegments + 2) * segmentBytes);
    expect(await filesUnder(directory)).toEqual([]);
    await spool.discard();
    expect(await readdir(directory)).toEqual([]);
  });
});
