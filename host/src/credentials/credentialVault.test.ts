import { encryptForGateway, keyIdOf, sealWithDataKey } from '@causeway/protocol';
import { isCausewayError, type CausewayError } from '@causeway/sdk';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCredentialVault, type VaultKeys } from './credentialVault.js';

// Small keys keep the test fast; the vault does not care about the size.
function keyPair(): { keys: VaultKeys; publicKeyPem: string; publicKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  return { keys: { keyId: keyIdOf(publicKey), privateKey, dataKey: randomBytes(32) }, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), publicKey };
}

const gateway = keyPair();
const stranger = keyPair();
const secret = { username: 'reader', password: 'correct horse battery staple' };

function refused(run: () => unknown): CausewayError {
  try {
    run();
  } catch (error) {
    if (isCausewayError(error)) return error;
    throw error;
  }
  throw new Error('the envelope was accepted');
}

/** Flips one bit of a base64url field. */
function tamper<T extends object>(envelope: T, field: keyof T & string): T {
  const bytes = Buffer.from((envelope as Record<string, unknown>)[field] as string, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  return { ...envelope, [field]: bytes.toString('base64url') };
}

describe('createCredentialVault', () => {
  it('stores a hybrid secret (public key only) and reopens it', () => {
    const vault = createCredentialVault(gateway.keys);
    expect(vault.has('sales')).toBe(false);
    expect(vault.openStored('sales')).toBeUndefined();
    vault.store('sales', encryptForGateway(gateway.publicKeyPem, secret));
    expect(vault.has('sales')).toBe(true);
    expect(vault.openStored('sales')).toEqual(secret);
    // Opened twice: the secret is kept sealed, not consumed.
    expect(vault.openStored('sales')).toEqual(secret);
  });

  it('stores a secret sealed under the data key', () => {
    const vault = createCredentialVault(gateway.keys);
    vault.store('a', vault.seal(secret));
    vault.store('b', sealWithDataKey(gateway.keys.dataKey, gateway.keys.keyId, { token: 't0k3n' }));
    expect(vault.openStored('a')).toEqual(secret);
    expect(vault.openStored('b')).toEqual({ token: 't0k3n' });
  });

  it('seals with the data key and the key id, and never in the clear', () => {
    const sealed = createCredentialVault(gateway.keys).seal(secret);
    expect(sealed).toMatchObject({ v: 1, alg: 'A256GCM', kid: gateway.keys.keyId });
    expect(JSON.stringify(sealed)).not.toContain('horse');
  });

  it('opens a job credential encrypted to the gateway key', () => {
    const vault = createCredentialVault(gateway.keys);
    expect(vault.openJobCredential(encryptForGateway(gateway.publicKeyPem, secret))).toEqual(secret);
  });

  it.each([
    { name: 'a hybrid secret for another gateway key', envelope: () => encryptForGateway(stranger.publicKeyPem, secret) },
    { name: 'a sealed secret of another gateway', envelope: () => sealWithDataKey(stranger.keys.dataKey, stranger.keys.keyId, secret) },
  ])('CW_ENVELOPE_UNKNOWN_KEY: $name', ({ envelope }) => {
    const vault = createCredentialVault(gateway.keys);
    const error = refused(() => vault.store('sales', envelope()));
    expect(error.code).toBe('CW_ENVELOPE_UNKNOWN_KEY');
    expect(error.location).toEqual({ pointer: '/dataSources/sales/auth/secret/kid' });
    expect(error.message).toContain('/dataSources/sales/auth/secret');
    expect(error.message).toContain(stranger.keys.keyId);
    expect(error.message).toContain(gateway.keys.keyId);
    expect(vault.has('sales')).toBe(false);
  });

  it('CW_ENVELOPE_UNKNOWN_KEY: a job credential for another gateway key', () => {
    const error = refused(() => createCredentialVault(gateway.keys).openJobCredential(encryptForGateway(stranger.publicKeyPem, secret)));
    expect(error).toMatchObject({ code: 'CW_ENVELOPE_UNKNOWN_KEY', location: { pointer: '/credentials/kid' } });
  });

  it.each([
    { name: 'hybrid ciphertext', envelope: () => tamper(encryptForGateway(gateway.publicKeyPem, secret), 'ct') },
    { name: 'hybrid tag', envelope: () => tamper(encryptForGateway(gateway.publicKeyPem, secret), 'tag') },
    { name: 'hybrid wrapped key', envelope: () => tamper(encryptForGateway(gateway.publicKeyPem, secret), 'ek') },
    { name: 'sealed ciphertext', envelope: () => tamper(sealWithDataKey(gateway.keys.dataKey, gateway.keys.keyId, secret), 'ct') },
    { name: 'sealed under another data key with this key id', envelope: () => sealWithDataKey(stranger.keys.dataKey, gateway.keys.keyId, secret) },
  ])('CW_ENVELOPE_TAMPERED: $name', ({ envelope }) => {
    const vault = createCredentialVault(gateway.keys);
    const error = refused(() => vault.store('sales', envelope()));
    expect(error.code).toBe('CW_ENVELOPE_TAMPERED');
    expect(error.message).toContain('/dataSources/sales/auth/secret');
    expect(error.message).not.toContain('horse');
    expect(vault.has('sales')).toBe(false);
  });

  it('CW_ENVELOPE_TAMPERED: a tampered job credential', () => {
    const error = refused(() => createCredentialVault(gateway.keys).openJobCredential(tamper(encryptForGateway(gateway.publicKeyPem, secret), 'ct')));
    expect(error).toMatchObject({ code: 'CW_ENVELOPE_TAMPERED', location: { pointer: '/credentials' } });
  });

  it('CW_ENVELOPE_INVALID: not an envelope', () => {
    const error = refused(() => createCredentialVault(gateway.keys).store('sales', { v: 2, alg: 'A256GCM', kid: 'x' }));
    expect(error).toMatchObject({ code: 'CW_ENVELOPE_INVALID', location: { pointer: '/dataSources/sales/auth/secret/v' } });
  });
});
