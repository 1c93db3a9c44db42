import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRecoveryKey } from './resolveRecoveryKey.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causeway-keys-resolve-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function keyFile(content: string): Promise<string> {
  const path = join(dir, `recovery-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(path, content, { mode: 0o600 });
  return path;
}

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe('resolveRecoveryKey', () => {
  it('reads the file, dropping exactly one trailing newline', async () => {
    expect(resolveRecoveryKey({ file: await keyFile('from the file\n'), env: {} })).toBe('from the file');
    expect(resolveRecoveryKey({ file: await keyFile('windows line end\r\n'), env: {} })).toBe('windows line end');
    expect(resolveRecoveryKey({ file: await keyFile('two newlines\n\n'), env: {} })).toBe('two newlines\n');
    expect(resolveRecoveryKey({ file: await keyFile(' spaces are part of it '), env: {} })).toBe(' spaces are part of it ');
  });

  it('prefers the file over the environment', async () => {
    expect(resolveRecoveryKey({ file: await keyFile('file wins'), env: { CAUSEWAY_RECOVERY_KEY: 'env loses' } })).toBe('file wins');
  });

  it('falls back to CAUSEWAY_RECOVERY_KEY', () => {
    expect(resolveRecoveryKey({ env: { CAUSEWAY_RECOVERY_KEY: 'from the environment' } })).toBe('from the environment');
  });

  it('says both ways to give a key when there is none', () => {
    for (const env of [{}, { CAUSEWAY_RECOVERY_KEY: '' }]) {
      const error = thrown(() => resolveRecoveryKey({ env }));
      expect(error.code).toBe('CW_RECOVERY_KEY_MISSING');
      expect(error.message).toContain('recoveryKeyFile');
      expect(error.message).toContain('CAUSEWAY_RECOVERY_KEY');
    }
  });

  it('names a recovery key file that is missing or empty', async () => {
    const missing = join(dir, 'nope.txt');
    const error = thrown(() => resolveRecoveryKey({ file: missing, env: { CAUSEWAY_RECOVERY_KEY: 'not used' } }));
    expect(error.code).toBe('CW_RECOVERY_KEY_MISSING');
    expect(error.message).toBe(`recovery key file ${missing} does not exist`);
    const empty = await keyFile('\n');
    expect(thrown(() => resolveRecoveryKey({ file: empty, env: {} })).message).toBe(`recovery key file ${empty} is empty`);
  });
});
