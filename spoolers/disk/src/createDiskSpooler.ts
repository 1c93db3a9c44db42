import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { CausewayError, type Logger, type Spooler } from '@causeway/sdk';
import { createSpoolQuota, createSpoolerJobs } from '@causeway/sdk/spooling';
import { openDiskJobSpool } from './openDiskJobSpool.js';
import { JOB_FOLDER_PREFIX, removeLeftoverJobFolders } from './removeLeftoverJobFolders.js';

/** The disk spooler's default quota: 10 GiB. */
export const DEFAULT_DISK_QUOTA_BYTES = 10 * 1024 * 1024 * 1024;
/** The disk spooler's default segment file size: 8 MiB. */
export const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;

/** Options of the disk spooler. */
export interface DiskSpoolerOptions {
  /** Absolute folder that holds one sub-folder per job; created (0700) when missing. One spooler per folder. */
  directory: string;
  /** Bytes of unacknowledged frames (as stored) held across all jobs before an append fails with `CW_SPOOL_FULL`; default 10 GiB. */
  quotaBytes?: number;
  /** Size at which a job's segment file is closed and the next one started; default 8 MiB. */
  segmentBytes?: number;
  /** Where the spooler reports what it cleaned up. */
  logger: Logger;
}

/** A folder name that shows the job id yet cannot escape the spool directory or collide with another spool. */
function jobFolderName(jobId: string): string {
  return `${JOB_FOLDER_PREFIX}${jobId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}-${randomBytes(4).toString('hex')}`;
}

/**
 * Creates a spooler that writes each job's frames, encrypted under a per-job key held only in memory,
 * to segment files under `directory`. Job folders left by a previous run are deleted first.
 */
export async function createDiskSpooler(options: DiskSpoolerOptions): Promise<Spooler> {
  const { directory, logger } = options;
  if (!isAbsolute(directory)) throw new CausewayError('CW_SPOOL_IO', `disk spooler directory must be an absolute path, got ${directory}`);
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  const quota = createSpoolQuota(options.quotaBytes ?? DEFAULT_DISK_QUOTA_BYTES);

  let removed: number;
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    removed = await removeLeftoverJobFolders(directory);
  } catch (error) {
    throw new CausewayError('CW_SPOOL_IO', `disk spooler cannot prepare its directory ${directory}: ${(error as Error).message}`, { cause: error });
  }
  if (removed > 0) logger.info({ directory, removed }, `removed ${removed} leftover spool job folder(s) from a previous run`);
  else logger.debug({ directory }, 'no leftover spool job folders');

  return createSpoolerJobs({
    name: 'disk spooler',
    quota,
    async openJob(jobId, onDiscarded) {
      const folder = join(directory, jobFolderName(jobId));
      try {
        await mkdir(folder, { mode: 0o700 });
      } catch (error) {
        throw new CausewayError('CW_SPOOL_IO', `cannot create the spool folder ${folder} for job ${jobId}: ${(error as Error).message}`, {
          cause: error,
          details: { jobId },
        });
      }
      return openDiskJobSpool({ jobId, folder, segmentBytes, quota, logger, onDiscarded });
    },
  });
}
