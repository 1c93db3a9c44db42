import { openForGateway, openWithDataKey, sealWithDataKey, type SealedEnvelopeLike } from '@causeway/protocol';
import type { KeyObject } from 'node:crypto';

/** The keys the vault needs: the gateway's private key (to open job credentials) and data key (to seal stored ones). */
export interface VaultKeys {
  keyId: string;
  privateKey: KeyObject;
  dataKey: Buffer;
}

/**
 * Holds stored credentials sealed under the gateway's data key and opens job credentials. A plaintext
 * secret exists only for the duration of one `authenticate` call.
 */
export interface CredentialVault {
  /** Keeps a data source's configured secret (either envelope form), re-sealed under the data key. */
  store(dataSourceId: string, envelope: unknown): void;
  /** Whether the data source has a stored secret. */
  has(dataSourceId: string): boolean;
  /** Opens the stored secret of a data source. */
  openStored(dataSourceId: string): Record<string, unknown> | undefined;
  /** Opens a credential a job carried (encrypted to this gateway's public key). */
  openJobCredential(envelope: unknown): Record<string, unknown>;
  /** Seals a secret under the data key (the form the vault keeps; also accepted in the config). */
  seal(secret: Record<string, unknown>): SealedEnvelopeLike;
}

/** Creates the vault of one host. */
export function createCredentialVault(keys: VaultKeys): CredentialVault {
  const stored = new Map<string, SealedEnvelopeLike>();
  return {
    store(dataSourceId, envelope) {
      const where = `/dataSources/${dataSourceId}/auth/secret`;
      const alg = (envelope as { alg?: unknown } | null)?.alg;
      // A hybrid envelope (made with the public key alone) is opened once and re-sealed, as the seed gateway does.
      const secret = alg === 'A256GCM' ? openWithDataKey(keys.dataKey, keys.keyId, envelope, where) : openForGateway(keys.privateKey, keys.keyId, envelope, where);
      stored.set(dataSourceId, sealWithDataKey(keys.dataKey, keys.keyId, secret));
    },
    has: (id) => stored.has(id),
    openStored(id) {
      const envelope = stored.get(id);
      return envelope ? openWithDataKey(keys.dataKey, keys.keyId, envelope, `/dataSources/${id}/auth/secret`) : undefined;
    },
    openJobCredential: (envelope) => openForGateway(keys.privateKey, keys.keyId, envelope, '/credentials'),
    seal: (secret) => sealWithDataKey(keys.dataKey, keys.keyId, secret),
  };
}
