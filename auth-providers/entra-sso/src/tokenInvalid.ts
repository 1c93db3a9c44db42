import { CausewayError } from '@causeway/sdk';

/** Why a token was refused (`details.reason` of `CW_TOKEN_INVALID`). */
export type TokenInvalidReason =
  | 'expired'
  | 'not-yet-valid'
  | 'audience'
  | 'issuer'
  | 'signature'
  | 'algorithm'
  | 'tenant'
  | 'malformed'
  | 'missing'
  | 'scope'
  | 'upn-mismatch';

/** A `CW_TOKEN_INVALID` error; the message and details never carry the token itself. */
export function tokenInvalid(reason: TokenInvalidReason, message: string, details: Record<string, unknown> = {}, cause?: unknown): CausewayError {
  return new CausewayError('CW_TOKEN_INVALID', `access token refused (${reason}): ${message}`, {
    details: { reason, ...details },
    ...(cause === undefined ? {} : { cause }),
  });
}
