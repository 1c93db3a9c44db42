import { keyIdOf } from '@causeway/protocol';
import { createPublicKey } from 'node:crypto';
import { scryptParamsProblem } from './deriveKek.js';
import { keyFileError } from './keyFileError.js';

/** The `format` marker of a key file. */
export const KEYFILE_FORMAT = 'causeway-keyfile';
/** The key file version this host reads and writes. */
export const KEYFILE_VERSION = 1;

/** A key file as stored: the public key in the clear, the private and data keys sealed under the recovery key's KEK. */
export interface KeyFileDocument {
  format: typeof KEYFILE_FORMAT;
  version: typeof KEYFILE_VERSION;
  /** `keyIdOf(publicKey)`: the id credential envelopes name. */
  keyId: string;
  /** SPKI PEM; public, so not sealed. */
  publicKey: string;
  createdAt: string;
  kdf: { alg: 'scrypt'; salt: string; N: number; r: number; p: number };
  /** AES-256-GCM over `{ privateKey, dataKey }`, with the header bound as AAD. */
  sealed: { alg: 'A256GCM'; iv: string; ct: string; tag: string };
}

type Json = Record<string, unknown>;

/** Parses and checks a key file's text; every problem is `CW_KEYFILE_INVALID` naming the file and JSON pointer. */
export function parseKeyFileDocument(text: string, file: string): KeyFileDocument {
  const invalid = (pointer: string, message: string) => keyFileError('CW_KEYFILE_INVALID', file, message, pointer);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    // No parser detail: V8 quotes the text, and a mis-pointed path could name a file holding a secret.
    throw invalid('', 'is not JSON (is this the right file?)');
  }
  const doc = object(root, '', invalid);
  if (doc.format !== KEYFILE_FORMAT) throw invalid('/format', `must be "${KEYFILE_FORMAT}"`);
  if (doc.version !== KEYFILE_VERSION) {
    throw invalid('/version', typeof doc.version === 'number' ? `version ${doc.version} is not supported (this host reads version ${KEYFILE_VERSION})` : 'must be a number');
  }
  const keyId = string(doc, 'keyId', '', invalid);
  const publicKey = string(doc, 'publicKey', '', invalid);
  let actualKeyId: string;
  try {
    const key = createPublicKey(publicKey);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    actualKeyId = keyIdOf(key);
  } catch {
    throw invalid('/publicKey', 'must be an RSA public key in SPKI PEM form');
  }
  if (keyId !== actualKeyId) throw invalid('/keyId', `does not match /publicKey (whose key id is ${actualKeyId})`);
  const createdAt = string(doc, 'createdAt', '', invalid);
  if (Number.isNaN(Date.parse(createdAt))) throw invalid('/createdAt', 'must be an ISO date-time');

  const kdf = object(doc.kdf, '/kdf', invalid);
  if (kdf.alg !== 'scrypt') throw invalid('/kdf/alg', 'must be "scrypt"');
  const salt = base64url(kdf, 'salt', '/kdf', invalid);
  if (Buffer.from(salt, 'base64url').length < 16) throw invalid('/kdf/salt', 'must be at least 16 bytes');
  for (const name of ['N', 'r', 'p'] as const) {
    if (!(name in kdf)) throw invalid(`/kdf/${name}`, 'is missing');
    if (typeof kdf[name] !== 'number') throw invalid(`/kdf/${name}`, 'must be a number');
  }
  const problem = scryptParamsProblem({ N: kdf.N, r: kdf.r, p: kdf.p });
  if (problem) throw invalid(`/kdf/${problem.field}`, problem.problem);

  const sealed = object(doc.sealed, '/sealed', invalid);
  if (sealed.alg !== 'A256GCM') throw invalid('/sealed/alg', 'must be "A256GCM"');
  const iv = base64url(sealed, 'iv', '/sealed', invalid);
  if (Buffer.from(iv, 'base64url').length !== 12) throw invalid('/sealed/iv', 'must be 12 bytes');
  const ct = base64url(sealed, 'ct', '/sealed', invalid);
  if (ct.length === 0) throw invalid('/sealed/ct', 'must not be empty');
  const tag = base64url(sealed, 'tag', '/sealed', invalid);
  if (Buffer.from(tag, 'base64url').length !== 16) throw invalid('/sealed/tag', 'must be 16 bytes');

  return {
    format: KEYFILE_FORMAT,
    version: KEYFILE_VERSION,
    keyId,
    publicKey,
    createdAt,
    kdf: { alg: 'scrypt', salt, N: kdf.N as number, r: kdf.r as number, p: kdf.p as number },
    sealed: { alg: 'A256GCM', iv, ct, tag },
  };
}

type Invalid = (pointer: string, message: string) => Error;

function object(value: unknown, pointer: string, invalid: Invalid): Json {
  if (value === undefined) throw invalid(pointer, 'is missing');
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid(pointer, 'must be an object');
  return value as Json;
}

function string(parent: Json, name: string, at: string, invalid: Invalid): string {
  const value = parent[name];
  if (value === undefined) throw invalid(`${at}/${name}`, 'is missing');
  if (typeof value !== 'string' || value === '') throw invalid(`${at}/${name}`, 'must be a non-empty string');
  return value;
}

function base64url(parent: Json, name: string, at: string, invalid: Invalid): string {
  const value = parent[name];
  if (value === undefined) throw invalid(`${at}/${name}`, 'is missing');
  // Canonical form only (no padding, no stray bits), so one value has one spelling.
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]*$/.test(value) || Buffer.from(value, 'base64url').toString('base64url') !== value) {
    throw invalid(`${at}/${name}`, 'must be a base64url string');
  }
  return value;
}
