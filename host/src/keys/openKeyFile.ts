import { createPrivateKey } from 'node:crypto';
import { toGatewayKeys, type GatewayKeys } from './gatewayKeys.js';
import { permissionWarnings } from './readKeyFileDocument.js';
import { unlockKeyFile } from './unlockKeyFile.js';

/**
 * Opens a gateway key file with its recovery key. Throws `CW_KEYFILE_NOT_FOUND`, `CW_KEYFILE_INVALID` (naming the
 * JSON pointer) or `CW_RECOVERY_KEY_WRONG`; a file other users can read is reported in `warnings`, for the caller to log.
 */
export async function openKeyFile(file: string, recoveryKey: string): Promise<GatewayKeys> {
  const { document, mode, privateKeyPem, dataKey } = await unlockKeyFile(file, recoveryKey);
  return toGatewayKeys({
    keyId: document.keyId,
    publicKeyPem: document.publicKey,
    privateKey: createPrivateKey(privateKeyPem),
    dataKey,
    warnings: permissionWarnings(file, mode),
  });
}
