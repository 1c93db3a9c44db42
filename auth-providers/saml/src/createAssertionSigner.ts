import type { Clock } from '@causeway/sdk';
import { buildAssertion } from './buildAssertion.js';
import type { SigningMaterial } from './loadSigningMaterial.js';
import { newAssertionId } from './newAssertionId.js';
import { signAssertion } from './signAssertion.js';

/** Who and what one assertion is for. */
export interface AssertionRequest {
  nameId: string;
  nameIdFormat: string;
  audience: string;
  recipient?: string;
}

/** A signed assertion and the facts about it that may be logged (never the assertion itself). */
export interface SignedAssertion {
  assertion: string;
  id: string;
  notBefore: number;
  notOnOrAfter: number;
}

/** Signs assertions with one key, issuer and validity. */
export interface AssertionSigner {
  sign(request: AssertionRequest): SignedAssertion;
}

/** Options of `createAssertionSigner`. */
export interface AssertionSignerOptions {
  material: SigningMaterial;
  issuer: string;
  validitySeconds: number;
  clockSkewSeconds: number;
  clock: Clock;
}

/**
 * Creates a signer: each call makes a new assertion with a fresh ID, valid from now − skew (the
 * server's clock may be behind ours) until now + validity.
 */
export function createAssertionSigner(options: AssertionSignerOptions): AssertionSigner {
  const { material, issuer, validitySeconds, clockSkewSeconds, clock } = options;
  return {
    sign(request) {
      const now = clock.now();
      const id = newAssertionId();
      const notBefore = now - clockSkewSeconds * 1000;
      const notOnOrAfter = now + validitySeconds * 1000;
      const unsigned = buildAssertion({ id, issuer, issuedAt: now, notBefore, notOnOrAfter, ...request });
      return { assertion: signAssertion(unsigned, material.privateKey, material.certificatePem), id, notBefore, notOnOrAfter };
    },
  };
}
