import { CausewayError } from '@causeway/sdk';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseConfig } from './parseConfig.js';
import type { ResolvedConfig } from './resolvedConfig.js';

/** Reads and validates `gateway.config.json`. Throws `CW_CONFIG_NOT_FOUND` or `CW_CONFIG_INVALID` naming the file. */
export async function loadConfigFile(path: string): Promise<ResolvedConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CausewayError('CW_CONFIG_NOT_FOUND', `gateway config ${file} could not be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: error,
      location: { file },
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new CausewayError('CW_CONFIG_INVALID', `gateway config ${file} is not valid JSON: ${(error as Error).message}`, { cause: error, location: { file } });
  }
  return parseConfig(doc, { baseDir: dirname(file), file });
}
