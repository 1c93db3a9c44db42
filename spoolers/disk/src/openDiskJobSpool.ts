import { createSecretKey, randomBytes } from 'node:crypto';
import { open, rm, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { CausewayError, type JobSpool, type Logger, type SpooledFrame } from '@causeway/sdk';
import { createChangeSignal, type SpoolQuota } from '@causeway/sdk/spooling';
import { FRAME_RECORD_OVERHEAD, decryptFrameRecord, encryptFrameRecord } from './frameRecord.js';
import { writeRecordParts } from './writeRecordParts.js';

/** How many bytes of records a reader fetches from disk at once (one record at least). */
const READ_CHUNK_BYTES = 1024 * 1024;

/** At most this many records go in one write (each record is three buffers of a `writev`). */
const MAX_RECORDS_PER_WRITE = 64;

/** An appended record waiting to be written; its append resolves once it is written and indexed. */
interface PendingRecord {
  seq: number;
  record: Buffer[];
  length: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** What one disk job spool needs from its spooler. */
export interface DiskJobSpoolOptions {
  /** The job the spool belongs to; named in errors. */
  jobId: string;
  /** The job's own folder; it must exist. The spool deletes it on discard. */
  folder: string;
  /** Size at which a segment file is closed and the next one started. */
  segmentBytes: number;
  /** The budget shared with the other jobs of the spooler. */
  quota: SpoolQuota;
  /** Where failed clean-ups are reported. */
  logger: Logger;
  /** Called once, when the spool is discarded. */
  onDiscarded?: () => void;
}

/** One segment file: records of consecutive frames starting at `firstSeq`. */
interface Segment {
  readonly path: string;
  readonly firstSeq: number;
  /** End offset of each written record; record `i` spans `[ends[i - 1] ?? 0, ends[i])`. */
  readonly ends: number[];
  /** Open while this is the segment being appended to. */
  writer: FileHandle | undefined;
}

const startOf = (segment: Segment, index: number): number => (index === 0 ? 0 : segment.ends[index - 1]!);
const sizeOf = (segment: Segment): number => segment.ends.at(-1) ?? 0;
const lastSeqOf = (segment: Segment): number => segment.firstSeq + segment.ends.length - 1;

function isNoSpace(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Opens the spool of one job in `folder`: frames are encrypted under a per-job key that lives only in
 * memory and appended to segment files; only a small index (one offset per unacknowledged frame) is
 * kept in memory, so readers read frames back from disk.
 */
export async function openDiskJobSpool(options: DiskJobSpoolOptions): Promise<JobSpool> {
  const { jobId, folder, segmentBytes, quota, logger } = options;
  const key = createSecretKey(randomBytes(32));
  const changed = createChangeSignal();
  const segments: Segment[] = [];
  let segmentCount = 0;
  /** Next seq `append` accepts; ahead of `appended` while writes are queued. */
  let nextSeq = 0;
  /** Frames written and indexed: readers may read seq < appended. */
  let appended = 0;
  let acknowledged = -1;
  let bytes = 0;
  let sealRequested = false;
  let sealed = false;
  let failure: Error | undefined;
  let discarded: Promise<void> | undefined;
  /** Writes run one after another, in seq order. */
  let writes: Promise<void> = Promise.resolve();
  /** Appended records not yet handed to a write (see writeWaiting). */
  const waiting: PendingRecord[] = [];

  const ioError = (message: string, cause?: unknown): CausewayError =>
    new CausewayError('CW_SPOOL_IO', `spool of job ${jobId}: ${message}`, { cause, details: { jobId } });

  function enqueue(task: () => Promise<void>): Promise<void> {
    const run = writes.then(task);
    writes = run.catch(() => undefined);
    return run;
  }

  async function startSegment(firstSeq: number): Promise<Segment> {
    const path = join(folder, `${String(segmentCount).padStart(8, '0')}.seg`);
    segmentCount += 1;
    const writer = await open(path, 'wx', 0o600);
    const segment: Segment = { path, firstSeq, ends: [], writer };
    segments.push(segment);
    return segment;
  }

  async function closeWriter(segment: Segment): Promise<void> {
    const writer = segment.writer;
    segment.writer = undefined;
    await writer?.close();
  }

  /** Deletes leading segments whose frames are all acknowledged and that take no more appends. */
  async function deleteAcknowledgedSegments(): Promise<void> {
    const doomed: Segment[] = [];
    while (segments[0] && !segments[0].writer && lastSeqOf(segments[0]) <= acknowledged) doomed.push(segments.shift()!);
    await Promise.all(
      doomed.map((segment) =>
        unlink(segment.path).catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== 'ENOENT') logger.warn({ jobId, path: segment.path, err: error }, 'could not delete an acknowledged spool segment');
        }),
      ),
    );
  }

  /**
   * Writes the records waiting when it runs (at most MAX_RECORDS_PER_WRITE), in seq order, with one
   * `writev` per segment they fall in: appends made while a write is on disk go out together
   * (group commit), instead of one system call and one thread-pool round trip each.
   */
  async function writeWaiting(): Promise<void> {
    const group = waiting.splice(0, MAX_RECORDS_PER_WRITE);
    if (group.length === 0) return;
    // Left over beyond the cap: they go in the next write, queued behind this one.
    if (waiting.length > 0) enqueue(writeWaiting).catch(() => undefined);
    let indexed = 0;
    try {
      if (discarded) throw ioError(`cannot append frame ${group[0]!.seq}: the spool was discarded`);
      if (failure) throw ioError(`cannot append frame ${group[0]!.seq}: an earlier append failed (${failure.message})`, failure);
      try {
        await writeGroup(group, (count) => (indexed = count));
      } catch (error) {
        // Set before the next queued write starts, so no later frame lands in this one's place.
        failure ??= error as Error;
        changed.notify();
        throw error;
      }
      for (const pending of group) pending.resolve();
    } catch (error) {
      // Records indexed before the failure were written whole; the others are not in the spool.
      group.forEach((pending, index) => (index < indexed ? pending.resolve() : pending.reject(error)));
    }
  }

  async function writeGroup(group: PendingRecord[], onIndexed: (count: number) => void): Promise<void> {
    let next = 0;
    while (next < group.length) {
      let segment = segments.at(-1);
      if (!segment?.writer || (sizeOf(segment) > 0 && sizeOf(segment) + group[next]!.length > segmentBytes)) {
        if (segment?.writer) {
          await closeWriter(segment);
          await deleteAcknowledgedSegments();
        }
        segment = await startSegment(group[next]!.seq);
      }
      // This record and as many of the next ones as fit in the segment.
      const position = sizeOf(segment);
      const parts: Buffer[] = [];
      let length = 0;
      let end = next;
      do {
        const pending = group[end]!;
        if (end > next && position + length + pending.length > segmentBytes) break;
        parts.push(...pending.record);
        length += pending.length;
        end += 1;
      } while (end < group.length);
      await writeRecordParts(segment.writer!, parts, length, position);
      // Indexed only now that every byte is written, so a reader never sees a partial record.
      let offset = position;
      for (let index = next; index < end; index += 1) {
        offset += group[index]!.length;
        segment.ends.push(offset);
      }
      appended += end - next;
      bytes += length;
      next = end;
      onIndexed(next);
      changed.notify();
    }
  }

  function findSegment(seq: number): Segment | undefined {
    let low = 0;
    let high = segments.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const segment = segments[middle]!;
      if (seq < segment.firstSeq) high = middle - 1;
      else if (seq > lastSeqOf(segment)) low = middle + 1;
      else return segment;
    }
    return undefined;
  }

  /**
   * Reads the records from `seq` on that are in `segment`, up to about `READ_CHUNK_BYTES`, into
   * `scratch` when it is large enough (else into a new buffer, which the caller keeps as its next
   * scratch). Decrypting copies every frame out of the chunk, so one reader reuses one buffer for
   * the whole job instead of allocating a frame-sized buffer per read.
   */
  async function readChunk(handle: FileHandle, segment: Segment, seq: number, scratch: Buffer | undefined): Promise<{ chunk: Buffer; buffer: Buffer; offsets: number[] }> {
    const first = seq - segment.firstSeq;
    const start = startOf(segment, first);
    let last = first;
    while (last + 1 < segment.ends.length && segment.ends[last + 1]! - start <= READ_CHUNK_BYTES) last += 1;
    const size = segment.ends[last]! - start;
    const buffer = scratch && scratch.length >= size ? scratch : Buffer.allocUnsafe(size);
    const chunk = buffer.subarray(0, size);
    let filled = 0;
    while (filled < chunk.length) {
      const { bytesRead } = await handle.read(chunk, filled, chunk.length - filled, start + filled);
      if (bytesRead === 0) throw ioError(`segment ${segment.path} ends before frame ${segment.firstSeq + last}`);
      filled += bytesRead;
    }
    const offsets = [0];
    for (let index = first; index <= last; index += 1) offsets.push(segment.ends[index]! - start);
    return { chunk, buffer, offsets };
  }

  function checkReadable(seq: number): void {
    if (discarded) throw ioError(`cannot read frame ${seq}: the spool was discarded`);
    if (seq <= acknowledged) throw ioError(`cannot read frame ${seq}: frames up to ${acknowledged} were acknowledged and freed`);
  }

  async function* readFrames(fromSeq: number, signal: AbortSignal | undefined): AsyncGenerator<SpooledFrame> {
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 0) throw ioError(`cannot read from seq ${fromSeq}: not a sequence number`);
    let seq = fromSeq;
    let source: { segment: Segment; handle: FileHandle } | undefined;
    let scratch: Buffer | undefined;
    try {
      while (!signal?.aborted) {
        checkReadable(seq);
        if (seq < appended) {
          const segment = findSegment(seq);
          if (!segment) throw ioError(`frame ${seq} is in no segment`);
          if (source?.segment !== segment) {
            await source?.handle.close();
            source = undefined;
            try {
              source = { segment, handle: await open(segment.path, 'r') };
            } catch (error) {
              checkReadable(seq);
              throw ioError(`cannot open segment ${segment.path} for frame ${seq}`, error);
            }
          }
          const { chunk, buffer, offsets } = await readChunk(source.handle, segment, seq, scratch);
          scratch = buffer;
          for (let index = 0; index + 1 < offsets.length; index += 1) {
            if (signal?.aborted) return;
            checkReadable(seq);
            let data: Buffer;
            try {
              data = decryptFrameRecord(key, seq, chunk.subarray(offsets[index], offsets[index + 1]));
            } catch (error) {
              throw ioError(`cannot read frame ${seq} from ${segment.path}: ${(error as Error).message}`, error);
            }
            yield { seq, data };
            seq += 1;
          }
          continue;
        }
        if (failure) throw ioError(`cannot read frame ${seq}: an earlier append failed (${failure.message})`, failure);
        if (sealed && seq >= nextSeq) {
          if (seq > nextSeq) throw ioError(`cannot read frame ${seq}: the spool was sealed after ${nextSeq} frames`);
          return;
        }
        await changed.wait(signal);
      }
    } finally {
      await source?.handle.close();
    }
  }

  return {
    async append(frame) {
      if (discarded) throw ioError(`cannot append frame ${frame.seq}: the spool was discarded`);
      if (sealRequested) throw ioError(`cannot append frame ${frame.seq}: the spool is sealed`);
      if (failure) throw ioError(`cannot append frame ${frame.seq}: an earlier append failed (${failure.message})`, failure);
      if (frame.seq !== nextSeq) throw ioError(`append expected frame seq ${nextSeq}, got ${frame.seq}`);
      const size = frame.data.byteLength + FRAME_RECORD_OVERHEAD;
      quota.reserve(size, jobId, frame.seq);
      nextSeq += 1;
      // Encrypted now, so the producer may reuse its buffer as soon as append returns.
      const record = encryptFrameRecord(key, frame.seq, frame.data);
      try {
        await new Promise<void>((resolve, reject) => {
          waiting.push({ seq: frame.seq, record, length: record.reduce((sum, part) => sum + part.length, 0), resolve, reject });
          // The first record waiting queues a write; later ones join it until it starts.
          if (waiting.length === 1) enqueue(writeWaiting).catch(() => undefined);
        });
      } catch (error) {
        quota.release(size);
        if (error instanceof CausewayError) throw error;
        if (isNoSpace(error)) {
          throw new CausewayError('CW_SPOOL_FULL', `spool of job ${jobId}: the disk under ${folder} is full writing frame ${frame.seq}`, {
            cause: error,
            details: { jobId },
          });
        }
        throw ioError(`cannot write frame ${frame.seq} under ${folder}`, error);
      }
    },

    async seal() {
      if (discarded) throw ioError('cannot seal: the spool was discarded');
      if (sealRequested) return enqueue(async () => undefined);
      sealRequested = true;
      await enqueue(async () => {
        const segment = segments.at(-1);
        if (segment?.writer) await closeWriter(segment);
        await deleteAcknowledgedSegments();
      }).finally(() => {
        // Readers end at `nextSeq` only once every queued write is indexed.
        sealed = true;
        changed.notify();
      });
    },

    read(fromSeq, signal) {
      return readFrames(fromSeq, signal);
    },

    async acknowledge(seq) {
      // The relay may acknowledge after the host gave the job up; there is nothing left to free.
      if (discarded) return;
      if (!Number.isSafeInteger(seq)) throw ioError(`cannot acknowledge seq ${seq}: not a sequence number`);
      if (seq <= acknowledged) return;
      if (seq >= appended) throw ioError(`cannot acknowledge frame ${seq}: only ${appended} frames were appended`);
      let freed = 0;
      for (const segment of segments) {
        if (segment.firstSeq > seq) break;
        const low = Math.max(segment.firstSeq, acknowledged + 1);
        const high = Math.min(lastSeqOf(segment), seq);
        if (low <= high) freed += segment.ends[high - segment.firstSeq]! - startOf(segment, low - segment.firstSeq);
      }
      acknowledged = seq;
      bytes -= freed;
      quota.release(freed);
      await deleteAcknowledgedSegments();
    },

    discard() {
      discarded ??= (async () => {
        changed.notify();
        await writes;
        const segment = segments.at(-1);
        if (segment?.writer) await closeWriter(segment).catch(() => undefined);
        segments.length = 0;
        quota.release(bytes);
        bytes = 0;
        try {
          await rm(folder, { recursive: true, force: true });
        } catch (error) {
          throw ioError(`cannot delete its folder ${folder}`, error);
        } finally {
          options.onDiscarded?.();
        }
      })();
      return discarded;
    },

    stats() {
      return { appended, acknowledged, bytes, sealed: sealRequested };
    },
  };
}
