import { CausewayError, type JobSpool, type Spooler } from '@causeway/sdk';
import { createMemoryJobSpool } from './createMemoryJobSpool.js';
import { createSpoolQuota } from './createSpoolQuota.js';

/** The memory spooler's default quota: 256 MiB. */
export const DEFAULT_MEMORY_QUOTA_BYTES = 256 * 1024 * 1024;

/** Options of the memory spooler. */
export interface MemorySpoolerOptions {
  /** Bytes held across all jobs before an append fails with `CW_SPOOL_FULL`; default 256 MiB. */
  quotaBytes?: number;
}

/** Creates a spooler that keeps unacknowledged frames in memory, bounded only by its quota. */
export function createMemorySpooler(options: MemorySpoolerOptions = {}): Spooler {
  const quota = createSpoolQuota(options.quotaBytes ?? DEFAULT_MEMORY_QUOTA_BYTES);
  const jobs = new Map<string, JobSpool>();
  let disposed = false;

  return {
    async open(jobId) {
      if (typeof jobId !== 'string' || jobId.length === 0) throw new CausewayError('CW_SPOOL_IO', 'cannot open a spool: the job id is empty');
      if (disposed) throw new CausewayError('CW_SPOOL_IO', `cannot open a spool for job ${jobId}: the memory spooler was disposed`);
      if (jobs.has(jobId)) throw new CausewayError('CW_SPOOL_IO', `cannot open a spool for job ${jobId}: it already has one`);
      const spool = createMemoryJobSpool({
        jobId,
        quota,
        onDiscarded: () => {
          if (jobs.get(jobId) === spool) jobs.delete(jobId);
        },
      });
      jobs.set(jobId, spool);
      return spool;
    },

    usage() {
      return { bytes: quota.usedBytes, jobs: jobs.size };
    },

    async dispose() {
      disposed = true;
      await Promise.all([...jobs.values()].map((spool) => spool.discard()));
    },
  };
}
