import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import type { KeyFileDocument } from './keyFileDocument.js';
import { keyFileError } from './keyFileError.js';

/** The secret half of a key file: the RSA private key (PKCS#8 PEM) and the 32-byte data key. */
export interface KeyMaterial {
  privateKeyPem: string;
  dataKey: Buffer;
}

/** The header fields the sealed block is bound to. */
export type SealHeader = Pick<KeyFileDocument, 'format' | 'version' | 'keyId' | 'kdf'>;

function aad(header: SealHeader): Buffer {
  // Editing any of these (a weaker N, another salt, a swapped key id) makes the GCM check fail.
  const { format, version, keyId, kdf } = header;
  return Buffer.from(JSON.stringify([format, version, keyId, kdf.alg, kdf.salt, kdf.N, kdf.r, kdf.p, 'A256GCM']), 'utf8');
}

/** Encrypts the key material under the key-encryption key, bound to `header`. */
export function sealKeys(kek: Buffer, header: SealHeader, material: KeyMaterial): KeyFileDocument['sealed'] {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(aad(header));
  const plain = Buffer.from(JSON.stringify({ privateKey: material.privateKeyPem, dataKey: material.dataKey.toString('base64url') }), 'utf8');
  try {
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { alg: 'A256GCM', iv: iv.toString('base64url'), ct: ct.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
  } finally {
    plain.fill(0);
  }
}

/**
 * Decrypts a key file's sealed block and checks the private key belongs to its public key.
 * Throws `CW_RECOVERY_KEY_WRONG` when authentication fails, `CW_KEYFILE_INVALID` when the content is wrong.
 */
export function unsealKeys(kek: Buffer, document: KeyFileDocument, file: string): KeyMaterial {
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(document.sealed.iv, 'base64url'));
    decipher.setAAD(aad(document));
    decipher.setAuthTag(Buffer.from(document.sealed.tag, 'base64url'));
    plain = Buffer.concat([decipher.update(Buffer.from(document.sealed.ct, 'base64url')), decipher.final()]);
  } catch {
    throw keyFileError(
      'CW_RECOVERY_KEY_WRONG',
      file,
      'the recovery key does not open it: either the recovery key is wrong, or the file was altered (its /kdf or /sealed parts, or its key id)',
    );
  }
  // Cause-free errors below: a parser's message could quote the decrypted text.
  const invalid = (pointer: string, message: string) => keyFileError('CW_KEYFILE_INVALID', file, message, pointer);
  let content: unknown;
  try {
    content = JSON.parse(plain.toString('utf8'));
  } catch {
    throw invalid('/sealed', 'decrypts, but its content is not JSON');
  } finally {
    plain.fill(0);
  }
  const { privateKey, dataKey } = (content && typeof content === 'object' ? content : {}) as Record<string, unknown>;
  if (typeof privateKey !== 'string') throw invalid('/sealed', 'decrypts, but holds no private key');
  if (typeof dataKey !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(dataKey)) throw invalid('/sealed', 'decrypts, but holds no 32-byte data key');
  let derivedPublic: Buffer;
  try {
    derivedPublic = createPublicKey(createPrivateKey(privateKey)).export({ type: 'spki', format: 'der' });
  } catch {
    throw invalid('/sealed', 'decrypts, but its private key cannot be read');
  }
  if (!derivedPublic.equals(createPublicKey(document.publicKey).export({ type: 'spki', format: 'der' }))) {
    throw invalid('/publicKey', `is not the public half of the private key sealed in the file (key id ${document.keyId})`);
  }
  return { privateKeyPem: privateKey, dataKey: Buffer.from(dataKey, 'base64url') };
}
