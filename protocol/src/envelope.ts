import { CausewayError } from '@causeway/sdk';
import { constants, createCipheriv, createDecipheriv, createHash, createPublicKey, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';

/** A credential encrypted to a gateway's public key (matches the `HybridEnvelope` schema). */
export interface HybridEnvelopeDocLike {
  v: 1;
  alg: 'RSA-OAEP-256+A256GCM';
  kid: string;
  ek: string;
  iv: string;
  ct: string;
  tag: string;
}

const HYBRID = 'RSA-OAEP-256+A256GCM';
const SEALED = 'A256GCM';

/** The key id of a public key: the first 16 base64url characters of the SHA-256 of its SPKI DER. */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 16);
}

function aad(alg: string, kid: string): Buffer {
  // Binds the header to the ciphertext: changing alg or kid makes decryption fail.
  return Buffer.from(`causeway-envelope:v1:${alg}:${kid}`, 'utf8');
}

/** Encrypts a credential to a gateway's public key (what the cloud side and `causeway credentials encrypt` do). */
export function encryptForGateway(publicKeyPem: string, secret: Record<string, unknown>): HybridEnvelopeDocLike {
  const publicKey = createPublicKey(publicKeyPem);
  const kid = keyIdOf(publicKey);
  const cek = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cek, iv);
  cipher.setAAD(aad(HYBRID, kid));
  const ct = Buffer.concat([cipher.update(JSON.stringify(secret), 'utf8'), cipher.final()]);
  const ek = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek);
  cek.fill(0);
  return { v: 1, alg: HYBRID, kid, ek: ek.toString('base64url'), iv: iv.toString('base64url'), ct: ct.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
}

function shapeError(where: string, what: string): CausewayError {
  return new CausewayError('CW_ENVELOPE_INVALID', `${where}: ${what}`, { location: { pointer: where } });
}

function field(env: Record<string, unknown>, name: string, where: string): Buffer {
  const v = env[name];
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]*$/.test(v)) throw shapeError(`${where}/${name}`, 'must be a base64url string');
  return Buffer.from(v, 'base64url');
}

function checkHeader(env: unknown, alg: string, where: string): Record<string, unknown> {
  if (!env || typeof env !== 'object') throw shapeError(where, 'envelope must be an object');
  const e = env as Record<string, unknown>;
  if (e.v !== 1) throw shapeError(`${where}/v`, `version ${String(e.v)} is not supported`);
  if (e.alg !== alg) throw shapeError(`${where}/alg`, `expected ${alg}, got ${String(e.alg)}`);
  if (typeof e.kid !== 'string' || !e.kid) throw shapeError(`${where}/kid`, 'must be a non-empty string');
  return e;
}

function gcmOpen(key: Buffer, alg: string, e: Record<string, unknown>, where: string): Record<string, unknown> {
  const iv = field(e, 'iv', where);
  const ct = field(e, 'ct', where);
  const tag = field(e, 'tag', where);
  if (iv.length !== 12) throw shapeError(`${where}/iv`, 'must be 12 bytes');
  if (tag.length !== 16) throw shapeError(`${where}/tag`, 'must be 16 bytes');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad(alg, e.kid as string));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch (error) {
    throw new CausewayError('CW_ENVELOPE_TAMPERED', `${where}: the envelope failed authentication (tampered, corrupted, or sealed under another key)`, { cause: error, location: { pointer: where } });
  }
  try {
    const value = JSON.parse(plain.toString('utf8')) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw shapeError(where, 'the decrypted credential is not a JSON object');
  } finally {
    plain.fill(0);
  }
}

/** Opens an envelope encrypted to this gateway. Throws `CW_ENVELOPE_UNKNOWN_KEY`, `CW_ENVELOPE_TAMPERED` or `CW_ENVELOPE_INVALID`. */
export function openForGateway(privateKey: KeyObject, keyId: string, envelope: unknown, where = '/credentials'): Record<string, unknown> {
  const e = checkHeader(envelope, HYBRID, where);
  if (e.kid !== keyId) {
    throw new CausewayError('CW_ENVELOPE_UNKNOWN_KEY', `${where}: encrypted for key ${String(e.kid)}, but this gateway's key is ${keyId}`, { location: { pointer: `${where}/kid` } });
  }
  const ek = field(e, 'ek', where);
  let cek: Buffer;
  try {
    cek = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ek);
  } catch (error) {
    throw new CausewayError('CW_ENVELOPE_TAMPERED', `${where}: the wrapped key could not be unwrapped (tampered, or encrypted for another key)`, { cause: error, location: { pointer: `${where}/ek` } });
  }
  if (cek.length !== 32) throw new CausewayError('CW_ENVELOPE_TAMPERED', `${where}: the wrapped key has the wrong length`, { location: { pointer: `${where}/ek` } });
  try {
    return gcmOpen(cek, HYBRID, e, where);
  } finally {
    cek.fill(0);
  }
}

/** A credential sealed under a symmetric data key. */
export interface SealedEnvelopeLike {
  v: 1;
  alg: 'A256GCM';
  kid: string;
  iv: string;
  ct: string;
  tag: string;
}

/** Seals a credential under the gateway's data key (how the host keeps stored credentials). */
export function sealWithDataKey(dataKey: Buffer, keyId: string, secret: Record<string, unknown>): SealedEnvelopeLike {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(aad(SEALED, keyId));
  const ct = Buffer.concat([cipher.update(JSON.stringify(secret), 'utf8'), cipher.final()]);
  return { v: 1, alg: SEALED, kid: keyId, iv: iv.toString('base64url'), ct: ct.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
}

/** Opens a credential sealed under the gateway's data key. */
export function openWithDataKey(dataKey: Buffer, keyId: string, envelope: unknown, where = '/secret'): Record<string, unknown> {
  const e = checkHeader(envelope, SEALED, where);
  if (e.kid !== keyId) {
    throw new CausewayError('CW_ENVELOPE_UNKNOWN_KEY', `${where}: sealed under key ${String(e.kid)}, but this gateway's key is ${keyId}`, { location: { pointer: `${where}/kid` } });
  }
  return gcmOpen(dataKey, SEALED, e, where);
}
