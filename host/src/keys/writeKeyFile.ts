import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { KeyFileDocument } from './keyFileDocument.js';
import { keyFileError } from './keyFileError.js';

/**
 * Writes a key file atomically with mode 0600: a synced temp file in the same folder, then a rename
 * (or, without `overwrite`, a hard link, which fails rather than replace a file that appeared meanwhile).
 * Creates a missing parent folder with mode 0700. Throws `CW_KEYFILE_EXISTS`.
 */
export async function writeKeyFile(file: string, document: KeyFileDocument, options: { overwrite: boolean }): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      // The umask can only narrow the mode, but a temp file on a filesystem with odd defaults gets it spelled out.
      await handle.chmod(0o600);
      await handle.writeFile(`${JSON.stringify(document, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite) await rename(temp, file);
    else await linkNew(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
  await syncFolder(dir);
}

async function linkNew(temp: string, file: string): Promise<void> {
  try {
    await link(temp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw existsError(file);
    // Some filesystems have no hard links; fall back to check-then-rename, racy only against another writer.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    if (await exists(file)) throw existsError(file);
    await rename(temp, file);
  }
}

/** The `CW_KEYFILE_EXISTS` error for `file`. */
export function existsError(file: string): Error {
  return keyFileError('CW_KEYFILE_EXISTS', file, 'already exists; refusing to replace it (it holds the keys existing credentials are encrypted for)');
}

/** True when something exists at `file`. */
export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function syncFolder(dir: string): Promise<void> {
  // Makes the rename durable; not every platform can open a folder (Windows), and that is not an error.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}
