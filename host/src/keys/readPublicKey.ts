import { readKeyFileDocument } from './readKeyFileDocument.js';

/** Reads a key file's public key and key id; needs no recovery key. Throws `CW_KEYFILE_NOT_FOUND` or `CW_KEYFILE_INVALID`. */
export async function readPublicKey(file: string): Promise<{ keyId: string; publicKeyPem: string }> {
  const { document } = await readKeyFileDocument(file);
  return { keyId: document.keyId, publicKeyPem: document.publicKey };
}
