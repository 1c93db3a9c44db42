import { readFile, stat } from 'node:fs/promises';
import { parseKeyFileDocument, type KeyFileDocument } from './keyFileDocument.js';
import { keyFileError } from './keyFileError.js';

/** A key file as read from disk, with its permission bits. */
export interface ReadKeyFile {
  document: KeyFileDocument;
  /** `st_mode & 0o777`. */
  mode: number;
}

/** Reads and checks a key file. Throws `CW_KEYFILE_NOT_FOUND`, `CW_KEYFILE_UNREADABLE` or `CW_KEYFILE_INVALID`. */
export async function readKeyFileDocument(file: string): Promise<ReadKeyFile> {
  let text: string;
  let mode: number;
  try {
    mode = (await stat(file)).mode & 0o777;
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw keyFileError('CW_KEYFILE_NOT_FOUND', file, 'does not exist (create one with `causeway keys init`)');
    if (code === 'EISDIR') throw keyFileError('CW_KEYFILE_INVALID', file, 'is a folder, not a file');
    throw keyFileError('CW_KEYFILE_UNREADABLE', file, `cannot be read (${code ?? (error as Error).message})`);
  }
  return { document: parseKeyFileDocument(text, file), mode };
}

/** The warning for a key file other users can access, or none (always none on Windows, which has no such bits). */
export function permissionWarnings(file: string, mode: number): string[] {
  if (process.platform === 'win32' || (mode & 0o077) === 0) return [];
  return [`key file ${file} is accessible to other users (mode ${mode.toString(8).padStart(4, '0')}); restrict it with: chmod 600 ${file}`];
}
