import { constants, sign, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';

/** A gateway's opened keys: what the host needs to decrypt credentials, seal stored ones and prove its identity to the relay. */
export interface GatewayKeys {
  /** The id credential envelopes are addressed to (`keyIdOf(publicKey)`). */
  readonly keyId: string;
  /** The public key, SPKI PEM: what `causeway credentials encrypt` and the cloud side encrypt to. */
  readonly publicKeyPem: string;
  /** The RSA private key (opens hybrid envelopes, signs relay challenges). */
  readonly privateKey: KeyObject;
  /** The AES-256 data key stored credentials are sealed under. */
  readonly dataKey: Buffer;
  /** Problems the caller should log, e.g. a key file other users can read. */
  readonly warnings: readonly string[];
  /** Signs `data` with RSA-PSS over SHA-256 (salt length = digest length). */
  sign(data: Uint8Array): Buffer;
}

/** Builds the `GatewayKeys` object; it prints and serialises as its key id only, so logging it leaks nothing. */
export function toGatewayKeys(parts: { keyId: string; publicKeyPem: string; privateKey: KeyObject; dataKey: Buffer; warnings: readonly string[] }): GatewayKeys {
  const { keyId, publicKeyPem, privateKey, dataKey, warnings } = parts;
  const redacted = { keyId };
  return {
    keyId,
    publicKeyPem,
    privateKey,
    dataKey,
    warnings,
    sign: (data) => sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }),
    toJSON: () => redacted,
    [inspect.custom]: () => `GatewayKeys ${inspect(redacted)}`,
  } as GatewayKeys;
}
