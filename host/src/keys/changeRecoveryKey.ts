import { createPrivateKey, randomBytes } from 'node:crypto';
import { assertRecoveryKeyStrength } from './assertRecoveryKeyStrength.js';
import { DEFAULT_SCRYPT_PARAMS, deriveKek, type ScryptParams } from './deriveKek.js';
import { toGatewayKeys, type GatewayKeys } from './gatewayKeys.js';
import type { KeyFileDocument } from './keyFileDocument.js';
import { permissionWarnings } from './readKeyFileDocument.js';
import { sealKeys } from './sealKeys.js';
import { unlockKeyFile } from './unlockKeyFile.js';
import { writeKeyFile } from './writeKeyFile.js';

/**
 * Re-seals a key file under a new recovery key (`causeway keys recover`): same key pair, same data key, so existing
 * credentials stay readable. A fresh salt is drawn and the cost is `options.scrypt` or the current default.
 */
export async function changeRecoveryKey(file: string, oldRecoveryKey: string, newRecoveryKey: string, options: { scrypt?: ScryptParams } = {}): Promise<GatewayKeys> {
  assertRecoveryKeyStrength(newRecoveryKey);
  const { document, mode, privateKeyPem, dataKey } = await unlockKeyFile(file, oldRecoveryKey);
  const { N, r, p } = options.scrypt ?? DEFAULT_SCRYPT_PARAMS;
  const salt = randomBytes(16);
  const kek = await deriveKek(newRecoveryKey, salt, { N, r, p });
  try {
    const kdf = { alg: 'scrypt' as const, salt: salt.toString('base64url'), N, r, p };
    const next: KeyFileDocument = { ...document, kdf, sealed: sealKeys(kek, { ...document, kdf }, { privateKeyPem, dataKey }) };
    await writeKeyFile(file, next, { overwrite: true });
  } finally {
    kek.fill(0);
  }
  // The rewritten file is 0600 whatever the old one was; the warning says what was wrong before.
  const warnings = permissionWarnings(file, mode).map((w) => `${w} (it is 0600 now)`);
  return toGatewayKeys({ keyId: document.keyId, publicKeyPem: document.publicKey, privateKey: createPrivateKey(privateKeyPem), dataKey, warnings });
}
