import { keyIdOf } from '@causeway/protocol';
import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { assertRecoveryKeyStrength } from './assertRecoveryKeyStrength.js';
import { DEFAULT_SCRYPT_PARAMS, deriveKek, type ScryptParams } from './deriveKek.js';
import { toGatewayKeys, type GatewayKeys } from './gatewayKeys.js';
import { KEYFILE_FORMAT, KEYFILE_VERSION, type KeyFileDocument } from './keyFileDocument.js';
import { sealKeys } from './sealKeys.js';
import { exists, existsError, writeKeyFile } from './writeKeyFile.js';

/** Options of `createKeyFile`. */
export interface CreateKeyFileOptions {
  /** Replace an existing key file (its credentials become unreadable). Default false. */
  overwrite?: boolean;
  /** scrypt cost; default `DEFAULT_SCRYPT_PARAMS`. Lower it only in tests. */
  scrypt?: ScryptParams;
  /** The creation time to record; default now. */
  now?: () => Date;
}

/** The RSA modulus size of gateway keys. */
export const GATEWAY_RSA_BITS = 3072;

/**
 * Creates a gateway key file (`causeway keys init`): an RSA-3072 key pair and an AES-256 data key, sealed under a
 * key derived from the recovery key. Throws `CW_RECOVERY_KEY_WEAK` or `CW_KEYFILE_EXISTS`.
 */
export async function createKeyFile(file: string, recoveryKey: string, options: CreateKeyFileOptions = {}): Promise<GatewayKeys> {
  assertRecoveryKeyStrength(recoveryKey);
  const overwrite = options.overwrite ?? false;
  // Checked now to fail before the slow key generation; writeKeyFile checks again atomically.
  if (!overwrite && (await exists(file))) throw existsError(file);
  const { N, r, p } = options.scrypt ?? DEFAULT_SCRYPT_PARAMS;
  const salt = randomBytes(16);
  const [kek, pair] = await Promise.all([deriveKek(recoveryKey, salt, { N, r, p }), generateRsaKeyPair()]);
  const dataKey = randomBytes(32);
  try {
    const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyId = keyIdOf(pair.publicKey);
    const kdf = { alg: 'scrypt' as const, salt: salt.toString('base64url'), N, r, p };
    const header = { format: KEYFILE_FORMAT, version: KEYFILE_VERSION, keyId, kdf } as const;
    const sealed = sealKeys(kek, header, { privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), dataKey });
    const document: KeyFileDocument = { ...header, publicKey: publicKeyPem, createdAt: (options.now?.() ?? new Date()).toISOString(), kdf, sealed };
    await writeKeyFile(file, document, { overwrite });
    return toGatewayKeys({ keyId, publicKeyPem, privateKey: pair.privateKey, dataKey, warnings: [] });
  } catch (error) {
    dataKey.fill(0);
    throw error;
  } finally {
    kek.fill(0);
  }
}

function generateRsaKeyPair(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: GATEWAY_RSA_BITS, publicExponent: 0x10001 }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ publicKey, privateKey });
    });
  });
}
