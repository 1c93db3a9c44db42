import { encryptForGateway, keyIdOf, openForGateway, openWithDataKey, sealWithDataKey } from '@causeway/protocol';
import { constants, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyFile } from './createKeyFile.js';
import type { GatewayKeys } from './gatewayKeys.js';
import { openKeyFile } from './openKeyFile.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const RECOVERY = 'correct horse battery staple';

async function caught(promise: Promise<unknown>): Promise<Error & { code?: string; location?: { file?: string; pointer?: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

let dir: string;
let file: string;
let created: GatewayKeys;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causeway-keys-create-'));
  file = join(dir, 'nested', 'keys', 'gateway.key');
  created = await createKeyFile(file, RECOVERY, { scrypt: FAST, now: () => new Date('2025-01-02T03:04:05.000Z') });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createKeyFile', () => {
  it('writes the documented layout', async () => {
    const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(doc).sort()).toEqual(['createdAt', 'format', 'kdf', 'keyId', 'publicKey', 'sealed', 'version']);
    expect(doc).toMatchObject({ format: 'causeway-keyfile', version: 1, keyId: created.keyId, publicKey: created.publicKeyPem, createdAt: '2025-01-02T03:04:05.000Z' });
    expect(keyIdOf(created.publicKeyPem)).toBe(created.keyId);
    expect(createPublicKey(created.publicKeyPem).asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(doc.kdf).toMatchObject({ alg: 'scrypt', ...FAST });
    expect(Buffer.from(doc.kdf!.salt as string, 'base64url')).toHaveLength(16);
    expect(doc.sealed!.alg).toBe('A256GCM');
    expect(Buffer.from(doc.sealed!.iv as string, 'base64url')).toHaveLength(12);
    expect(Buffer.from(doc.sealed!.tag as string, 'base64url')).toHaveLength(16);
    expect(created.dataKey).toHaveLength(32);
    expect(created.warnings).toEqual([]);
  });

  it('makes the file 0600 and a missing parent folder 0700, and leaves no temp file', async () => {
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested', 'keys'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'nested', 'keys'))).toEqual(['gateway.key']);
  });

  it('keeps neither the private key nor the data key in plaintext', async () => {
    const text = await readFile(file, 'utf8');
    const privatePem = created.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const privateBody = privatePem.split('\n').slice(1, -2);
    expect(text).not.toContain('PRIVATE KEY');
    for (const line of privateBody) expect(text).not.toContain(line);
    for (const form of ['base64', 'base64url', 'hex'] as const) expect(text).not.toContain(created.dataKey.toString(form));
  });

  it('opens again with the recovery key, giving the same keys', async () => {
    const opened = await openKeyFile(file, RECOVERY);
    expect(opened.keyId).toBe(created.keyId);
    expect(opened.publicKeyPem).toBe(created.publicKeyPem);
    expect(opened.dataKey.equals(created.dataKey)).toBe(true);
    expect(opened.privateKey.export({ type: 'pkcs8', format: 'der' }).equals(created.privateKey.export({ type: 'pkcs8', format: 'der' }))).toBe(true);
    expect(opened.warnings).toEqual([]);
  });

  it('signs with RSA-PSS SHA-256 that verifies against the public key', async () => {
    const opened = await openKeyFile(file, RECOVERY);
    const challenge = Buffer.from('relay challenge 42');
    const signature = opened.sign(challenge);
    const pss = { key: opened.publicKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
    expect(signature).toHaveLength(384);
    expect(verify('sha256', challenge, pss, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('relay challenge 43'), pss, signature)).toBe(false);
    expect(verify('sha256', challenge, { ...pss, saltLength: 0 }, signature)).toBe(false);
  });

  it('opens credentials encrypted to its public key, and ones sealed under its data key', async () => {
    const opened = await openKeyFile(file, RECOVERY);
    const secret = { user: 'app', password: 's3cret' };
    expect(openForGateway(opened.privateKey, opened.keyId, encryptForGateway(created.publicKeyPem, secret))).toStrictEqual(secret);
    expect(openWithDataKey(opened.dataKey, opened.keyId, sealWithDataKey(created.dataKey, created.keyId, secret))).toStrictEqual(secret);
  });

  it('serialises and prints as its key id only', () => {
    for (const shown of [JSON.stringify(created), inspect(created, { depth: 5 }), JSON.stringify({ keys: created })]) {
      expect(shown).toContain(created.keyId);
      expect(shown).not.toContain(created.dataKey.toString('base64'));
      expect(shown).not.toContain('PRIVATE');
      expect(shown).not.toContain('BEGIN PUBLIC KEY');
    }
  });

  it('refuses to replace an existing file unless told to, then replaces it with new keys', async () => {
    const path = join(dir, 'replace.key');
    await writeFile(path, 'precious', { mode: 0o600 });
    const refused = await caught(createKeyFile(path, RECOVERY, { scrypt: FAST }));
    expect(refused.code).toBe('CW_KEYFILE_EXISTS');
    expect(refused.message).toContain(path);
    expect(refused.location?.file).toBe(path);
    expect(await readFile(path, 'utf8')).toBe('precious');

    const exactlyTwelve = 'twelve-chars';
    const replaced = await createKeyFile(path, exactlyTwelve, { scrypt: FAST, overwrite: true });
    expect((await openKeyFile(path, exactlyTwelve)).keyId).toBe(replaced.keyId);
    expect(replaced.keyId).not.toBe(created.keyId);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a recovery key shorter than 12 characters and writes nothing', async () => {
    const path = join(dir, 'weak.key');
    for (const weak of ['', 'pw0rd', 'elevenchars', 'e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301']) {
      const error = await caught(createKeyFile(path, weak, { scrypt: FAST }));
      expect(error.code).toBe('CW_RECOVERY_KEY_WEAK');
      if (weak) expect(error.message).not.toContain(weak);
    }
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('uses scrypt N=2^15, r=8, p=1 by default', async () => {
    const path = join(dir, 'default.key');
    const keys = await createKeyFile(path, RECOVERY);
    const doc = JSON.parse(await readFile(path, 'utf8')) as { kdf: Record<string, unknown> };
    expect(doc.kdf).toMatchObject({ alg: 'scrypt', N: 32768, r: 8, p: 1 });
    expect((await openKeyFile(path, RECOVERY)).keyId).toBe(keys.keyId);
  });
});
