import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Prefix of every job folder the disk spooler creates; nothing else under its directory is touched. */
export const JOB_FOLDER_PREFIX = 'job-';

/**
 * Deletes the job folders a previous run left under `directory` and returns how many it deleted.
 * Their keys died with that run, so what they hold can never be read again.
 */
export async function removeLeftoverJobFolders(directory: string): Promise<number> {
  const entries = await readdir(directory, { withFileTypes: true });
  const leftovers = entries.filter((entry) => entry.isDirectory() && entry.name.startsWith(JOB_FOLDER_PREFIX));
  await Promise.all(leftovers.map((entry) => rm(join(directory, entry.name), { recursive: true, force: true })));
  return leftovers.length;
}
