import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyFileDocument } from './keyFileDocument.js';
import { writeKeyFile } from './writeKeyFile.js';

// writeKeyFile does not check content, so a stand-in document is enough here.
const doc = { format: 'causeway-keyfile', version: 1, keyId: 'stand-in' } as unknown as KeyFileDocument;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causeway-keys-write-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeKeyFile', () => {
  it('creates missing folders 0700 and the file 0600, with nothing else left behind', async () => {
    const file = join(dir, 'a', 'b', 'gateway.key');
    await writeKeyFile(file, doc, { overwrite: false });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(doc);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'a', 'b'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['gateway.key']);
  });

  it('will not replace a file without overwrite, and cleans up its temp file', async () => {
    const file = join(dir, 'taken.key');
    await writeFile(file, 'already here', { mode: 0o644 });
    await expect(writeKeyFile(file, doc, { overwrite: false })).rejects.toMatchObject({ code: 'CW_KEYFILE_EXISTS', location: { file } });
    expect(await readFile(file, 'utf8')).toBe('already here');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces a file with overwrite, and the replacement is 0600', async () => {
    const file = join(dir, 'replace.key');
    await writeFile(file, 'old', { mode: 0o644 });
    await writeKeyFile(file, doc, { overwrite: true });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(doc);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
