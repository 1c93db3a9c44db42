import type { CausewayError } from '@causeway/sdk';
import { providerUnreachable } from './providerUnreachable.js';
import { tokenInvalid } from './tokenInvalid.js';

const claimReasons: Record<string, Parameters<typeof tokenInvalid>[0]> = { nbf: 'not-yet-valid', aud: 'audience', iss: 'issuer', exp: 'expired' };

/**
 * Turns a jose verification failure into a coded error: a token problem is `CW_TOKEN_INVALID` with
 * its reason; a failure to fetch the signing keys is `CW_IDENTITY_PROVIDER_UNREACHABLE`.
 */
export function classifyJoseError(error: unknown, jwksUri: string): CausewayError {
  const code = (error as { code?: unknown }).code;
  const claim = (error as { claim?: unknown }).claim;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return tokenInvalid('expired', 'the token has expired (exp), beyond the allowed clock skew', {}, error);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      if ((error as { reason?: unknown }).reason === 'missing') return tokenInvalid('missing', `the token has no "${String(claim)}" claim`, { claim }, error);
      const reason = claimReasons[String(claim)] ?? 'malformed';
      return tokenInvalid(reason, `the "${String(claim)}" claim failed its check`, { claim }, error);
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return tokenInvalid('algorithm', 'the token is signed with an algorithm this gateway does not accept', {}, error);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return tokenInvalid('signature', 'the signature does not verify with the identity provider key named by the token', {}, error);
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return tokenInvalid('signature', "no signing key of the identity provider matches the token's key id (kid)", {}, error);
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return tokenInvalid('signature', "several signing keys match the token's key id; refusing to guess", {}, error);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JWK_INVALID':
      return tokenInvalid('malformed', 'the token is not a well-formed signed JWT', {}, error);
    case 'ERR_JWKS_TIMEOUT':
      return providerUnreachable('timeout', jwksUri, 'the signing keys (JWKS) did not arrive in time');
    case 'ERR_JWKS_INVALID':
      return providerUnreachable('invalid-response', jwksUri, 'the signing keys (JWKS) document is not valid');
    default: {
      // jose reports a non-200 answer or unparsable body as a generic error; fetch itself throws a TypeError.
      const networkCode = (error as { cause?: { code?: unknown } }).cause?.code;
      if (code === 'ERR_JOSE_GENERIC') return providerUnreachable('http-status', jwksUri, 'the signing keys (JWKS) could not be fetched');
      return providerUnreachable('network', jwksUri, `the signing keys (JWKS) could not be fetched${typeof networkCode === 'string' ? ` (${networkCode})` : ''}`);
    }
  }
}
