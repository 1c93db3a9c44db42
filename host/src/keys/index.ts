export { createKeyFile, GATEWAY_RSA_BITS, type CreateKeyFileOptions } from './createKeyFile.js';
export { openKeyFile } from './openKeyFile.js';
export { readPublicKey } from './readPublicKey.js';
export { changeRecoveryKey } from './changeRecoveryKey.js';
export { resolveRecoveryKey, RECOVERY_KEY_ENV } from './resolveRecoveryKey.js';
export { MIN_RECOVERY_KEY_LENGTH } from './assertRecoveryKeyStrength.js';
export { DEFAULT_SCRYPT_PARAMS, type ScryptParams } from './deriveKek.js';
export { KEYFILE_FORMAT, KEYFILE_VERSION, type KeyFileDocument } from './keyFileDocument.js';
export type { GatewayKeys } from './gatewayKeys.js';
