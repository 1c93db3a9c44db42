import { keyIdOf } from '@causeway/protocol';
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyFile } from './createKeyFile.js';
import { deriveKek } from './deriveKek.js';
import type { GatewayKeys } from './gatewayKeys.js';
import type { KeyFileDocument } from './keyFileDocument.js';
import { openKeyFile } from './openKeyFile.js';
import { sealKeys } from './sealKeys.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const RECOVERY = 'open sesame, please';
const WRONG = 'open sesame, pretty please';

type CodedError = Error & { code?: string; location?: { file?: string; pointer?: string } };

/** Every error seen, to check none of them leaks a secret. */
const errors: CodedError[] = [];

async function caught(promise: Promise<unknown>): Promise<CodedError> {
  try {
    await promise;
  } catch (error) {
    errors.push(error as CodedError);
    return error as CodedError;
  }
  throw new Error('expected a rejection');
}

let dir: string;
let original: KeyFileDocument;
let keys: GatewayKeys;
let counter = 0;

/** Writes a variant of the key file (0600) and returns its path. */
async function variant(content: string | ((doc: KeyFileDocument) => unknown)): Promise<string> {
  const path = join(dir, `variant-${counter++}.key`);
  const doc = structuredClone(original);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content(doc) ?? doc), { mode: 0o600 });
  return path;
}

function flipBit(b64url: string): string {
  const bytes = Buffer.from(b64url, 'base64url');
  bytes[0] = bytes[0]! ^ 0x80;
  return bytes.toString('base64url');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causeway-keys-open-'));
  const path = join(dir, 'gateway.key');
  keys = await createKeyFile(path, RECOVERY, { scrypt: FAST });
  original = JSON.parse(await readFile(path, 'utf8')) as KeyFileDocument;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openKeyFile', () => {
  it('opens an untouched copy', async () => {
    const opened = await openKeyFile(await variant((d) => d), RECOVERY);
    expect(opened.keyId).toBe(keys.keyId);
    expect(opened.dataKey.equals(keys.dataKey)).toBe(true);
  });

  it('says a wrong recovery key may also be a tampered file', async () => {
    const path = await variant((d) => d);
    const error = await caught(openKeyFile(path, WRONG));
    expect(error.code).toBe('CW_RECOVERY_KEY_WRONG');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/recovery key is wrong/);
    expect(error.message).toMatch(/altered/);
  });

  it('refuses an empty recovery key as missing', async () => {
    expect((await caught(openKeyFile(await variant((d) => d), ''))).code).toBe('CW_RECOVERY_KEY_MISSING');
  });

  const tampered: Array<[string, (d: KeyFileDocument) => void]> = [
    ['a flipped bit in /sealed/ct', (d) => void (d.sealed.ct = flipBit(d.sealed.ct))],
    ['a flipped bit in /sealed/tag', (d) => void (d.sealed.tag = flipBit(d.sealed.tag))],
    ['a flipped bit in /sealed/iv', (d) => void (d.sealed.iv = flipBit(d.sealed.iv))],
    ['a weakened /kdf/N', (d) => void (d.kdf.N = 2 ** 9)],
    ['a changed /kdf/r', (d) => void (d.kdf.r = 4)],
    ['a changed /kdf/p', (d) => void (d.kdf.p = 2)],
    ['another /kdf/salt', (d) => void (d.kdf.salt = flipBit(d.kdf.salt))],
  ];
  for (const [name, edit] of tampered) {
    it(`detects ${name} as CW_RECOVERY_KEY_WRONG`, async () => {
      const error = await caught(openKeyFile(await variant(edit), RECOVERY));
      expect(error.code).toBe('CW_RECOVERY_KEY_WRONG');
    });
  }

  it('detects a public key and key id swapped for another pair', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const path = await variant((d) => {
      d.publicKey = other.export({ type: 'spki', format: 'pem' }).toString();
      d.keyId = keyIdOf(other);
    });
    expect((await caught(openKeyFile(path, RECOVERY))).code).toBe('CW_RECOVERY_KEY_WRONG');
  });

  it('rejects a sealed private key that does not belong to the public key, even when authentic', async () => {
    // Built the way only someone holding the recovery key could: sealed correctly, but for the wrong public key.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const doc = structuredClone(original);
    doc.publicKey = other.export({ type: 'spki', format: 'pem' }).toString();
    doc.keyId = keyIdOf(other);
    const kek = await deriveKek(RECOVERY, Buffer.from(doc.kdf.salt, 'base64url'), FAST);
    doc.sealed = sealKeys(kek, doc, { privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), dataKey: keys.dataKey });
    const error = await caught(openKeyFile(await variant(JSON.stringify(doc)), RECOVERY));
    expect(error.code).toBe('CW_KEYFILE_INVALID');
    expect(error.location?.pointer).toBe('/publicKey');
  });

  it('rejects authentic sealed content without a usable data key', async () => {
    const doc = structuredClone(original);
    const kek = await deriveKek(RECOVERY, Buffer.from(doc.kdf.salt, 'base64url'), FAST);
    doc.sealed = sealKeys(kek, doc, { privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), dataKey: Buffer.alloc(16) });
    const error = await caught(openKeyFile(await variant(JSON.stringify(doc)), RECOVERY));
    expect(error.code).toBe('CW_KEYFILE_INVALID');
    expect(error.location?.pointer).toBe('/sealed');
  });

  it('reports a missing file as CW_KEYFILE_NOT_FOUND naming it', async () => {
    const path = join(dir, 'nowhere', 'gateway.key');
    const error = await caught(openKeyFile(path, RECOVERY));
    expect(error.code).toBe('CW_KEYFILE_NOT_FOUND');
    expect(error.message).toContain(path);
    expect(error.location?.file).toBe(path);
  });

  it('reports a folder as CW_KEYFILE_INVALID', async () => {
    const path = join(dir, 'a-folder');
    await mkdir(path);
    expect((await caught(openKeyFile(path, RECOVERY))).code).toBe('CW_KEYFILE_INVALID');
  });

  it('reports text that is not JSON without quoting it', async () => {
    // As when the config points keyFile at the recovery key file by mistake.
    const path = await variant(`${RECOVERY}\n`);
    const error = await caught(openKeyFile(path, RECOVERY));
    expect(error.code).toBe('CW_KEYFILE_INVALID');
    expect(error.location).toEqual({ file: path, pointer: '' });
    expect(error.message).toBe(`key file ${path} at (root): is not JSON (is this the right file?)`);
    expect(error.cause).toBeUndefined();
  });

  // Loosely typed so the edits can break the document's shape.
  type Loose = Record<string, unknown> & { kdf: Record<string, unknown>; sealed: Record<string, unknown> };
  const malformed: Array<[string, (d: Loose) => unknown, string, RegExp]> = [
    ['an array', () => [], '', /must be an object/],
    ['another format', (d) => void (d.format = 'pem'), '/format', /must be "causeway-keyfile"/],
    ['a newer version', (d) => void (d.version = 2), '/version', /version 2 is not supported/],
    ['a missing keyId', (d) => void delete d.keyId, '/keyId', /is missing/],
    ['a numeric keyId', (d) => void (d.keyId = 7), '/keyId', /must be a non-empty string/],
    ['a keyId of another key', (d) => void (d.keyId = 'AAAAAAAAAAAAAAAA'), '/keyId', /does not match \/publicKey/],
    ['a missing publicKey', (d) => void delete d.publicKey, '/publicKey', /is missing/],
    ['a publicKey that is not PEM', (d) => void (d.publicKey = 'hello'), '/publicKey', /SPKI PEM/],
    ['a bad createdAt', (d) => void (d.createdAt = 'yesterday'), '/createdAt', /ISO date-time/],
    ['a missing kdf', ({ kdf: _kdf, ...rest }) => rest, '/kdf', /is missing/],
    ['another kdf', (d) => void (d.kdf.alg = 'pbkdf2'), '/kdf/alg', /must be "scrypt"/],
    ['a missing salt', (d) => void delete d.kdf.salt, '/kdf/salt', /is missing/],
    ['a padded salt', (d) => void (d.kdf.salt = `${String(d.kdf.salt)}==`), '/kdf/salt', /base64url/],
    ['a short salt', (d) => void (d.kdf.salt = 'AAAA'), '/kdf/salt', /at least 16 bytes/],
    ['a string N', (d) => void (d.kdf.N = '1024'), '/kdf/N', /must be a number/],
    ['an N that is not a power of two', (d) => void (d.kdf.N = 1000), '/kdf/N', /power of two/],
    ['an N needing gigabytes', (d) => void (d.kdf.N = 2 ** 24), '/kdf/N', /needs more than 256 MiB/],
    ['a missing r', (d) => void delete d.kdf.r, '/kdf/r', /is missing/],
    ['a zero p', (d) => void (d.kdf.p = 0), '/kdf/p', /integer from 1/],
    ['a missing sealed', ({ sealed: _sealed, ...rest }) => rest, '/sealed', /is missing/],
    ['sealed as a string', (d) => ({ ...d, sealed: 'x' }), '/sealed', /must be an object/],
    ['another sealed alg', (d) => void (d.sealed.alg = 'A128GCM'), '/sealed/alg', /must be "A256GCM"/],
    ['a missing tag', (d) => void delete d.sealed.tag, '/sealed/tag', /is missing/],
    ['a short iv', (d) => void (d.sealed.iv = 'AAAA'), '/sealed/iv', /12 bytes/],
    ['a ct with bad characters', (d) => void (d.sealed.ct = 'ab+/'), '/sealed/ct', /base64url/],
    ['an empty ct', (d) => void (d.sealed.ct = ''), '/sealed/ct', /must not be empty/],
  ];
  for (const [name, edit, pointer, message] of malformed) {
    it(`rejects ${name} as CW_KEYFILE_INVALID at ${pointer || '(root)'}`, async () => {
      const path = await variant(edit as unknown as (d: KeyFileDocument) => unknown);
      const error = await caught(openKeyFile(path, RECOVERY));
      expect(error.code).toBe('CW_KEYFILE_INVALID');
      expect(error.location).toEqual({ file: path, pointer });
      expect(error.message.startsWith(`key file ${path} at ${pointer || '(root)'}: `)).toBe(true);
      expect(error.message).toMatch(message);
    });
  }

  it('warns when other users can read the file, and not when it is 0600', async () => {
    const path = await variant((d) => d);
    expect((await openKeyFile(path, RECOVERY)).warnings).toEqual([]);
    await chmod(path, 0o644);
    const { warnings } = await openKeyFile(path, RECOVERY);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path);
    expect(warnings[0]).toContain('0644');
    expect(warnings[0]).toContain('chmod 600');
  });

  it('never puts the recovery key, the private key or the data key in an error', () => {
    // Runs last (a file's tests run in order) over every error collected above.
    expect(errors.length).toBeGreaterThan(30);
    const secrets = [RECOVERY, WRONG, keys.dataKey.toString('base64'), keys.dataKey.toString('base64url'), keys.dataKey.toString('hex')];
    for (const error of errors) {
      const shown = `${error.message}\n${String(error.stack)}\n${JSON.stringify(error)}\n${String(error.cause)}`;
      for (const secret of secrets) expect(shown).not.toContain(secret);
      expect(shown).not.toContain('PRIVATE KEY');
    }
  });
});
