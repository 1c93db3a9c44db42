import { encryptForGateway, openForGateway } from '@causeway/protocol';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyFile } from './createKeyFile.js';
import type { GatewayKeys } from './gatewayKeys.js';
import { readPublicKey } from './readPublicKey.js';

let dir: string;
let file: string;
let keys: GatewayKeys;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causeway-keys-public-'));
  file = join(dir, 'gateway.key');
  keys = await createKeyFile(file, 'a long enough recovery key', { scrypt: { N: 2 ** 10, r: 8, p: 1 } });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readPublicKey', () => {
  it('reads the key id and public key without the recovery key', async () => {
    const { keyId, publicKeyPem } = await readPublicKey(file);
    expect(keyId).toBe(keys.keyId);
    expect(publicKeyPem).toBe(keys.publicKeyPem);
    // What `causeway credentials encrypt` does with it:
    expect(openForGateway(keys.privateKey, keys.keyId, encryptForGateway(publicKeyPem, { password: 'pw' }))).toEqual({ password: 'pw' });
  });

  it('reports a missing file and a malformed one', async () => {
    await expect(readPublicKey(join(dir, 'missing.key'))).rejects.toMatchObject({ code: 'CW_KEYFILE_NOT_FOUND' });
    const bad = join(dir, 'bad.key');
    await writeFile(bad, JSON.stringify({ format: 'causeway-keyfile', version: 1 }));
    await expect(readPublicKey(bad)).rejects.toMatchObject({ code: 'CW_KEYFILE_INVALID', location: { file: bad, pointer: '/keyId' } });
  });
});
