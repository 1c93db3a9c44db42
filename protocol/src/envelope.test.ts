import { constants, createCipheriv, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptForGateway, keyIdOf, openForGateway, openWithDataKey, sealWithDataKey } from './envelope.js';

const gateway = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = gateway.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const otherPublicPem = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const kid = keyIdOf(gateway.publicKey);
const SECRET = 'hunter2-correct-horse-battery';
const secret = { user: 'app', password: SECRET, port: 5432, nested: { ok: true } };

/** Every error message (and cause message) seen, to check none of them leaks the secret. */
const messages: string[] = [];

function failure(fn: () => unknown): { code: unknown; message: string; pointer: unknown } {
  try {
    fn();
  } catch (error) {
    const e = error as Error & { code?: unknown; location?: { pointer?: unknown }; cause?: unknown };
    messages.push(e.message, String(e.stack), e.cause instanceof Error ? `${e.cause.message} ${String(e.cause.stack)}` : String(e.cause));
    return { code: e.code, message: e.message, pointer: e.location?.pointer };
  }
  throw new Error('expected a throw');
}

function flipBit(b64url: string, byte = 0): string {
  const bytes = Buffer.from(b64url, 'base64url');
  bytes[byte] = bytes[byte]! ^ 0x01;
  return bytes.toString('base64url');
}

/** Builds a hybrid envelope by hand with an arbitrary AAD, as someone relabelling a header would. */
function handMadeEnvelope(aadText: string, label: { alg: string; kid: string }): Record<string, unknown> {
  const cek = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cek, iv);
  cipher.setAAD(Buffer.from(aadText, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(secret), 'utf8'), cipher.final()]);
  const ek = publicEncrypt({ key: gateway.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek);
  return { v: 1, ...label, ek: ek.toString('base64url'), iv: iv.toString('base64url'), ct: ct.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
}

describe('keyIdOf', () => {
  it('is 16 base64url characters, the same for a PEM and a KeyObject, and differs between keys', () => {
    expect(kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(keyIdOf(publicPem)).toBe(kid);
    expect(keyIdOf(otherPublicPem)).not.toBe(kid);
  });
});

describe('hybrid envelopes', () => {
  it('round-trips a credential', () => {
    const env = encryptForGateway(publicPem, secret);
    expect(env).toMatchObject({ v: 1, alg: 'RSA-OAEP-256+A256GCM', kid });
    expect(JSON.stringify(env)).not.toContain(SECRET);
    expect(openForGateway(gateway.privateKey, kid, env)).toStrictEqual(secret);
  });

  it('uses a fresh key and iv each time', () => {
    const a = encryptForGateway(publicPem, secret);
    const b = encryptForGateway(publicPem, secret);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ek).not.toBe(b.ek);
    expect(a.ct).not.toBe(b.ct);
  });

  it('rejects an envelope for another key id with CW_ENVELOPE_UNKNOWN_KEY', () => {
    const env = encryptForGateway(otherPublicPem, secret);
    const f = failure(() => openForGateway(gateway.privateKey, kid, env));
    expect(f.code).toBe('CW_ENVELOPE_UNKNOWN_KEY');
    expect(f.pointer).toBe('/credentials/kid');
    expect(f.message).toContain(keyIdOf(otherPublicPem));
    expect(f.message).toContain(kid);
  });

  for (const name of ['ct', 'tag', 'iv', 'ek'] as const) {
    it(`detects a flipped bit in ${name} as CW_ENVELOPE_TAMPERED`, () => {
      const env = encryptForGateway(publicPem, secret);
      const f = failure(() => openForGateway(gateway.privateKey, kid, { ...env, [name]: flipBit(env[name], name === 'ek' ? 100 : 0) }));
      expect(f.code).toBe('CW_ENVELOPE_TAMPERED');
    });
  }

  it('fails when an envelope for another gateway is relabelled with this kid', () => {
    const env = encryptForGateway(otherPublicPem, secret);
    expect(failure(() => openForGateway(gateway.privateKey, kid, { ...env, kid })).code).toBe('CW_ENVELOPE_TAMPERED');
  });

  it('fails when the ciphertext was bound to another alg or kid than its header says', () => {
    const otherAlg = handMadeEnvelope(`causeway-envelope:v1:A256GCM:${kid}`, { alg: 'RSA-OAEP-256+A256GCM', kid });
    const otherKid = handMadeEnvelope('causeway-envelope:v1:RSA-OAEP-256+A256GCM:someone-else', { alg: 'RSA-OAEP-256+A256GCM', kid });
    const honest = handMadeEnvelope(`causeway-envelope:v1:RSA-OAEP-256+A256GCM:${kid}`, { alg: 'RSA-OAEP-256+A256GCM', kid });
    expect(openForGateway(gateway.privateKey, kid, honest)).toStrictEqual(secret);
    expect(failure(() => openForGateway(gateway.privateKey, kid, otherAlg)).code).toBe('CW_ENVELOPE_TAMPERED');
    expect(failure(() => openForGateway(gateway.privateKey, kid, otherKid)).code).toBe('CW_ENVELOPE_TAMPERED');
  });

  const good = (): Record<string, unknown> => ({ ...encryptForGateway(publicPem, secret) });
  const malformed: Array<[string, () => unknown, string]> = [
    ['not an object', () => 'a string', '/credentials'],
    ['null', () => null, '/credentials'],
    ['a wrong version', () => ({ ...good(), v: 2 }), '/credentials/v'],
    ['a wrong alg', () => ({ ...good(), alg: 'A256GCM' }), '/credentials/alg'],
    ['a missing kid', () => ({ ...good(), kid: undefined }), '/credentials/kid'],
    ['a missing ek', () => ({ ...good(), ek: undefined }), '/credentials/ek'],
    ['a missing iv', () => ({ ...good(), iv: undefined }), '/credentials/iv'],
    ['a missing ct', () => ({ ...good(), ct: undefined }), '/credentials/ct'],
    ['a missing tag', () => ({ ...good(), tag: undefined }), '/credentials/tag'],
    ['a non-base64url ct', () => ({ ...good(), ct: 'abc+/=' }), '/credentials/ct'],
    ['a numeric iv', () => ({ ...good(), iv: 12 }), '/credentials/iv'],
    ['a short iv', () => ({ ...good(), iv: Buffer.alloc(8).toString('base64url') }), '/credentials/iv'],
    ['a short tag', () => ({ ...good(), tag: Buffer.alloc(4).toString('base64url') }), '/credentials/tag'],
  ];
  for (const [name, make, pointer] of malformed) {
    it(`rejects ${name} with CW_ENVELOPE_INVALID at ${pointer}`, () => {
      const f = failure(() => openForGateway(gateway.privateKey, kid, make()));
      expect(f.code).toBe('CW_ENVELOPE_INVALID');
      expect(f.pointer).toBe(pointer);
      expect(f.message.startsWith(`${pointer}: `)).toBe(true);
    });
  }

  it('names the pointer it was given', () => {
    const f = failure(() => openForGateway(gateway.privateKey, kid, { ...good(), tag: '*' }, '/dataSources/0/secret'));
    expect(f.pointer).toBe('/dataSources/0/secret/tag');
  });
});

describe('sealed envelopes', () => {
  const dataKey = randomBytes(32);

  it('round-trips a credential', () => {
    const env = sealWithDataKey(dataKey, kid, secret);
    expect(env).toMatchObject({ v: 1, alg: 'A256GCM', kid });
    expect(JSON.stringify(env)).not.toContain(SECRET);
    expect(openWithDataKey(dataKey, kid, env)).toStrictEqual(secret);
  });

  it('rejects an envelope sealed under another key id with CW_ENVELOPE_UNKNOWN_KEY', () => {
    const f = failure(() => openWithDataKey(dataKey, kid, sealWithDataKey(dataKey, 'another-key-id', secret)));
    expect(f.code).toBe('CW_ENVELOPE_UNKNOWN_KEY');
    expect(f.pointer).toBe('/secret/kid');
  });

  for (const name of ['ct', 'tag', 'iv'] as const) {
    it(`detects a flipped bit in ${name} as CW_ENVELOPE_TAMPERED`, () => {
      const env = sealWithDataKey(dataKey, kid, secret);
      expect(failure(() => openWithDataKey(dataKey, kid, { ...env, [name]: flipBit(env[name]) })).code).toBe('CW_ENVELOPE_TAMPERED');
    });
  }

  it('fails under the wrong data key', () => {
    const env = sealWithDataKey(dataKey, kid, secret);
    expect(failure(() => openWithDataKey(randomBytes(32), kid, env)).code).toBe('CW_ENVELOPE_TAMPERED');
  });

  it('binds the kid: relabelling an envelope sealed for another kid fails', () => {
    const env = sealWithDataKey(dataKey, 'another-key-id', secret);
    expect(failure(() => openWithDataKey(dataKey, kid, { ...env, kid })).code).toBe('CW_ENVELOPE_TAMPERED');
  });

  const good = (): Record<string, unknown> => ({ ...sealWithDataKey(dataKey, kid, secret) });
  const malformed: Array<[string, () => unknown, string]> = [
    ['not an object', () => 42, '/secret'],
    ['a wrong version', () => ({ ...good(), v: '1' }), '/secret/v'],
    ['the hybrid alg', () => ({ ...good(), alg: 'RSA-OAEP-256+A256GCM' }), '/secret/alg'],
    ['an empty kid', () => ({ ...good(), kid: '' }), '/secret/kid'],
    ['a missing iv', () => ({ ...good(), iv: undefined }), '/secret/iv'],
    ['a missing tag', () => ({ ...good(), tag: undefined }), '/secret/tag'],
    ['a non-base64url ct', () => ({ ...good(), ct: 'a b' }), '/secret/ct'],
  ];
  for (const [name, make, pointer] of malformed) {
    it(`rejects ${name} with CW_ENVELOPE_INVALID at ${pointer}`, () => {
      const f = failure(() => openWithDataKey(dataKey, kid, make()));
      expect(f.code).toBe('CW_ENVELOPE_INVALID');
      expect(f.pointer).toBe(pointer);
    });
  }

  it('rejects an authentic plaintext that is not a JSON object without echoing it', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(Buffer.from(`causeway-envelope:v1:A256GCM:${kid}`, 'utf8'));
    const ct = Buffer.concat([cipher.update(`password=${SECRET}`, 'utf8'), cipher.final()]);
    const env = { v: 1, alg: 'A256GCM', kid, iv: iv.toString('base64url'), ct: ct.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
    const f = failure(() => openWithDataKey(dataKey, kid, env));
    expect(f.code).toBe('CW_ENVELOPE_INVALID');
    expect(f.pointer).toBe('/secret');
  });
});

describe('error messages', () => {
  it('never contain the plaintext secret', () => {
    // Runs after the tests above (vitest runs a file's tests in order), which collected every message.
    expect(messages.length).toBeGreaterThan(40);
    for (const message of messages) expect(message).not.toContain(SECRET);
  });
});
