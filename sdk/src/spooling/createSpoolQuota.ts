import { CausewayError } from '../errors.js';

/** The byte budget shared by every job of one spooler. */
export interface SpoolQuota {
  /** The limit in bytes. */
  readonly limitBytes: number;
  /** Bytes taken now, across all jobs. */
  readonly usedBytes: number;
  /** Takes `bytes` for frame `seq` of `jobId`; throws `CW_SPOOL_FULL` when they do not fit, taking nothing. */
  reserve(bytes: number, jobId: string, seq: number): void;
  /** Gives `bytes` back. */
  release(bytes: number): void;
}

/** Creates a quota of `limitBytes` shared by the jobs of one spooler. */
export function createSpoolQuota(limitBytes: number): SpoolQuota {
  let usedBytes = 0;
  return {
    limitBytes,
    get usedBytes() {
      return usedBytes;
    },
    reserve(bytes, jobId, seq) {
      if (usedBytes + bytes > limitBytes) {
        throw new CausewayError(
          'CW_SPOOL_FULL',
          `spool quota of ${limitBytes} bytes is exhausted: job ${jobId} cannot append frame ${seq} ` +
            `(${bytes} bytes) while ${usedBytes} bytes are held across all jobs`,
          { details: { jobId, seq, frameBytes: bytes, usedBytes, quotaBytes: limitBytes } },
        );
      }
      usedBytes += bytes;
    },
    release(bytes) {
      usedBytes -= bytes;
    },
  };
}
