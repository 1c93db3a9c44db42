import { CausewayError } from '../errors.js';
import type { JobSpool, Spooler } from '../spooler.js';
import type { SpoolQuota } from './createSpoolQuota.js';

/** What a spooler implementation supplies: how to open one job's spool. */
export interface SpoolerJobsOptions {
  /** The spooler's name, for error messages (`disk spooler`). */
  name: string;
  /** The quota shared by every job. */
  quota: SpoolQuota;
  /** Opens the spool of a new job; `onDiscarded` must be called when that spool is discarded. */
  openJob(jobId: string, onDiscarded: () => void): Promise<JobSpool> | JobSpool;
  /** Runs after every job spool was discarded on dispose. */
  onDispose?(): Promise<void>;
}

/**
 * The bookkeeping every spooler needs around its job spools: one spool per job id, usage from the
 * shared quota, and a dispose that discards them all.
 */
export function createSpoolerJobs(options: SpoolerJobsOptions): Spooler {
  const jobs = new Map<string, JobSpool>();
  let disposed = false;
  return {
    async open(jobId) {
      if (typeof jobId !== 'string' || jobId.length === 0) throw new CausewayError('CW_SPOOL_IO', 'cannot open a spool: the job id is empty');
      if (disposed) throw new CausewayError('CW_SPOOL_IO', `cannot open a spool for job ${jobId}: the ${options.name} was disposed`);
      if (jobs.has(jobId)) throw new CausewayError('CW_SPOOL_IO', `cannot open a spool for job ${jobId}: it already has one`);
      const spool: JobSpool = await options.openJob(jobId, () => {
        if (jobs.get(jobId) === spool) jobs.delete(jobId);
      });
      jobs.set(jobId, spool);
      return spool;
    },
    usage() {
      return { bytes: options.quota.usedBytes, jobs: jobs.size };
    },
    async dispose() {
      disposed = true;
      await Promise.all([...jobs.values()].map((spool) => spool.discard()));
      await options.onDispose?.();
    },
  };
}
