import { openWithDataKey, sealWithDataKey } from '@causeway/protocol';
import { chmod, copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeRecoveryKey } from './changeRecoveryKey.js';
import { createKeyFile } from './createKeyFile.js';
import type { GatewayKeys } from './gatewayKeys.js';
import type { KeyFileDocument } from './keyFileDocument.js';
import { openKeyFile } from './openKeyFile.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const OLD = 'the old recovery key';
const NEW = 'the new recovery key';

let dir: string;
let template: string;
let keys: GatewayKeys;
let counter = 0;

async function copy(): Promise<string> {
  const path = join(dir, `copy-${counter++}.key`);
  await copyFile(template, path);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causeway-keys-change-'));
  template = join(dir, 'gateway.key');
  keys = await createKeyFile(template, OLD, { scrypt: FAST });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('changeRecoveryKey', () => {
  it('re-seals the same keys under the new recovery key; the old one stops working', async () => {
    const path = await copy();
    const stored = sealWithDataKey(keys.dataKey, keys.keyId, { password: 'kept' });
    const before = JSON.parse(await readFile(path, 'utf8')) as KeyFileDocument;

    const changed = await changeRecoveryKey(path, OLD, NEW, { scrypt: FAST });
    expect(changed.keyId).toBe(keys.keyId);

    await expect(openKeyFile(path, OLD)).rejects.toMatchObject({ code: 'CW_RECOVERY_KEY_WRONG' });
    const opened = await openKeyFile(path, NEW);
    expect(opened.keyId).toBe(keys.keyId);
    expect(opened.publicKeyPem).toBe(keys.publicKeyPem);
    expect(opened.dataKey.equals(keys.dataKey)).toBe(true);
    expect(opened.privateKey.export({ type: 'pkcs8', format: 'der' }).equals(keys.privateKey.export({ type: 'pkcs8', format: 'der' }))).toBe(true);
    expect(openWithDataKey(opened.dataKey, opened.keyId, stored)).toEqual({ password: 'kept' });

    const after = JSON.parse(await readFile(path, 'utf8')) as KeyFileDocument;
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.kdf.salt).not.toBe(before.kdf.salt);
    expect(after.sealed.ct).not.toBe(before.sealed.ct);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a wrong old key or a weak new one and leaves the file as it was', async () => {
    const path = await copy();
    const before = await readFile(path, 'utf8');
    await expect(changeRecoveryKey(path, 'not the old key at all', NEW, { scrypt: FAST })).rejects.toMatchObject({ code: 'CW_RECOVERY_KEY_WRONG' });
    await expect(changeRecoveryKey(path, OLD, 'too-short', { scrypt: FAST })).rejects.toMatchObject({ code: 'CW_RECOVERY_KEY_WEAK' });
    expect(await readFile(path, 'utf8')).toBe(before);
    expect((await openKeyFile(path, OLD)).keyId).toBe(keys.keyId);
  });

  it('tightens an open file to 0600 and says it was open', async () => {
    const path = await copy();
    await chmod(path, 0o640);
    const changed = await changeRecoveryKey(path, OLD, NEW, { scrypt: FAST });
    expect(changed.warnings).toHaveLength(1);
    expect(changed.warnings[0]).toContain('0640');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
