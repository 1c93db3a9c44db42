import { AuthError } from '@causeway/sdk';
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';

/** How the gateway app proves itself to the token endpoint. */
export type ClientCredential =
  | { kind: 'secret'; secret: string }
  | { kind: 'certificate'; privateKey: KeyObject; thumbprintSha256: string };

/**
 * Reads the gateway app's client credential from the data source's decrypted secret:
 * `{ clientSecret }`, or `{ clientCertificate, clientKey }` (PEM; the key must belong to the certificate).
 */
export function readClientCredential(kind: 'secret' | 'certificate', secret: Readonly<Record<string, unknown>> | undefined, dataSourceId: string): ClientCredential {
  const where = `data source "${dataSourceId}"`;
  if (!secret) throw new AuthError('CW_CREDENTIALS_MISSING', `${where} has no stored secret holding the gateway app's client ${kind}`);
  if (kind === 'secret') {
    if (typeof secret.clientSecret !== 'string' || !secret.clientSecret) throw new AuthError('CW_CREDENTIALS_MISSING', `${where}: the stored secret has no "clientSecret"`);
    return { kind, secret: secret.clientSecret };
  }
  if (typeof secret.clientCertificate !== 'string' || typeof secret.clientKey !== 'string') {
    throw new AuthError('CW_CREDENTIALS_MISSING', `${where}: the stored secret needs "clientCertificate" and "clientKey" (PEM)`);
  }
  let certificate: X509Certificate;
  let privateKey: KeyObject;
  try {
    certificate = new X509Certificate(secret.clientCertificate);
    privateKey = createPrivateKey(secret.clientKey);
  } catch {
    // The parser's message could quote key material; say only which field is unreadable.
    throw new AuthError('CW_CREDENTIALS_MISSING', `${where}: "clientCertificate" or "clientKey" is not readable PEM`);
  }
  if (!certificate.checkPrivateKey(privateKey)) throw new AuthError('CW_CREDENTIALS_MISSING', `${where}: "clientKey" is not the private key of "clientCertificate"`);
  return { kind, privateKey, thumbprintSha256: createHash('sha256').update(certificate.raw).digest('base64url') };
}
