import { CausewayError } from '@causeway/sdk';

/** Why the identity provider could not be used (`details.reason` of `CW_IDENTITY_PROVIDER_UNREACHABLE`). */
export type UnreachableReason = 'network' | 'timeout' | 'http-status' | 'invalid-response' | 'server-error';

/** A `CW_IDENTITY_PROVIDER_UNREACHABLE` error naming the endpoint (a URL, never a token). */
export function providerUnreachable(reason: UnreachableReason, endpoint: string, message: string, details: Record<string, unknown> = {}): CausewayError {
  return new CausewayError('CW_IDENTITY_PROVIDER_UNREACHABLE', `identity provider ${endpoint}: ${message}`, { details: { reason, endpoint, ...details } });
}
