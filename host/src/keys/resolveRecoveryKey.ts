import { CausewayError } from '@causeway/sdk';
import { readFileSync } from 'node:fs';

/** The environment variable that may hold the recovery key. */
export const RECOVERY_KEY_ENV = 'CAUSEWAY_RECOVERY_KEY';

/**
 * Finds the recovery key: the content of `file` (one trailing newline dropped) when given, else `CAUSEWAY_RECOVERY_KEY`
 * from `env` (default `process.env`). Throws `CW_RECOVERY_KEY_MISSING` saying how to give it.
 */
export function resolveRecoveryKey(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const { file } = options;
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`;
      throw new CausewayError('CW_RECOVERY_KEY_MISSING', `recovery key file ${file} ${what}`, { location: { file } });
    }
    // Editors and `echo` add a final newline; anything else, including other whitespace, is part of the key.
    const key = text.replace(/\r?\n$/, '');
    if (!key) throw new CausewayError('CW_RECOVERY_KEY_MISSING', `recovery key file ${file} is empty`, { location: { file } });
    return key;
  }
  const key = (options.env ?? process.env)[RECOVERY_KEY_ENV];
  if (key) return key;
  throw new CausewayError(
    'CW_RECOVERY_KEY_MISSING',
    `no recovery key was given: put it in a file readable only by the gateway's user and name that file in the gateway config (recoveryKeyFile), or set the ${RECOVERY_KEY_ENV} environment variable`,
  );
}
