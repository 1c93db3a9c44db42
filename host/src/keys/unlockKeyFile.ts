import { CausewayError } from '@causeway/sdk';
import { deriveKek } from './deriveKek.js';
import type { KeyFileDocument } from './keyFileDocument.js';
import { readKeyFileDocument } from './readKeyFileDocument.js';
import { unsealKeys, type KeyMaterial } from './sealKeys.js';

/** A key file read and decrypted. */
export interface UnlockedKeyFile extends KeyMaterial {
  document: KeyFileDocument;
  mode: number;
}

/** Reads a key file and decrypts its sealed keys with the recovery key. */
export async function unlockKeyFile(file: string, recoveryKey: string): Promise<UnlockedKeyFile> {
  if (!recoveryKey) throw new CausewayError('CW_RECOVERY_KEY_MISSING', `key file ${file}: the recovery key is empty`, { location: { file } });
  const { document, mode } = await readKeyFileDocument(file);
  const { salt, N, r, p } = document.kdf;
  const kek = await deriveKek(recoveryKey, Buffer.from(salt, 'base64url'), { N, r, p });
  try {
    return { document, mode, ...unsealKeys(kek, document, file) };
  } finally {
    kek.fill(0);
  }
}
