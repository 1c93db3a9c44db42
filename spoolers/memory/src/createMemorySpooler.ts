import type { Spooler } from '@causeway/sdk';
import { createSpoolQuota, createSpoolerJobs } from '@causeway/sdk/spooling';
import { createMemoryJobSpool } from './createMemoryJobSpool.js';

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
  return createSpoolerJobs({
    name: 'memory spooler',
    quota,
    openJob: (jobId, onDiscarded) => createMemoryJobSpool({ jobId, quota, onDiscarded }),
  });
}
