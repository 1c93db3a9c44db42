import { CausewayError } from '@causeway/sdk';
import { providerUnreachable } from './providerUnreachable.js';

/** Why an exchange was refused (`details.reason` of `CW_TOKEN_EXCHANGE_FAILED`). */
export type ExchangeFailureReason = 'consent-required' | 'invalid-grant' | 'invalid-client' | 'invalid-scope' | 'refused';

// AADSTS codes that mean the user (or an admin) has to consent, or sign in interactively again.
const consentCodes = new Set([65001, 65004, 50076, 50079, 50158, 53003, 16000]);
const scopeCodes = new Set([70011, 65005, 500011, 28000, 28003]);

/** Anything shaped like a JWT is cut out of text the identity provider sent, before it reaches a log or an error. */
function withoutTokens(text: string): string {
  return text.replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '[token]');
}

/**
 * Maps a token-endpoint error answer (RFC 6749 §5.2, with Entra's `error_codes`) to a coded error:
 * `CW_TOKEN_EXCHANGE_FAILED` with a reason and the AADSTS code in `details`; a server error or an
 * unreadable answer is `CW_IDENTITY_PROVIDER_UNREACHABLE`.
 */
export function mapTokenEndpointError(status: number, body: string, endpoint: string, scope: string): CausewayError {
  let doc: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') doc = parsed as Record<string, unknown>;
  } catch {
    doc = undefined;
  }
  const error = typeof doc?.error === 'string' ? doc.error : undefined;
  if (!error) {
    return providerUnreachable(status >= 500 ? 'server-error' : 'invalid-response', endpoint, `the token endpoint answered HTTP ${status} without an OAuth error`, { status });
  }
  const description = typeof doc?.error_description === 'string' ? withoutTokens(doc.error_description.split(/\r?\n/)[0] ?? '').slice(0, 400) : undefined;
  const codes = Array.isArray(doc?.error_codes) ? doc.error_codes.filter((c): c is number => typeof c === 'number') : [];
  const fromText = description ? /AADSTS(\d+)/.exec(description)?.[1] : undefined;
  const aadsts = codes[0] ?? (fromText ? Number(fromText) : undefined);
  const details = {
    error,
    status,
    endpoint,
    scope,
    ...(aadsts !== undefined ? { aadsts: `AADSTS${aadsts}`, serverCode: `AADSTS${aadsts}` } : {}),
    ...(description ? { description } : {}),
    ...(typeof doc?.correlation_id === 'string' ? { correlationId: doc.correlation_id } : {}),
    ...(typeof doc?.trace_id === 'string' ? { traceId: doc.trace_id } : {}),
  };
  const code = aadsts !== undefined ? ` AADSTS${aadsts}` : '';
  if (status >= 500 || error === 'temporarily_unavailable' || error === 'server_error') {
    return providerUnreachable('server-error', endpoint, `the token endpoint failed (${error}${code})`, details);
  }
  const fail = (reason: ExchangeFailureReason, what: string) =>
    new CausewayError('CW_TOKEN_EXCHANGE_FAILED', `on-behalf-of exchange for scope "${scope}" refused (${error}${code}): ${what}`, { details: { reason, ...details } });
  if (error === 'consent_required' || error === 'interaction_required' || (aadsts !== undefined && consentCodes.has(aadsts))) {
    return fail('consent-required', 'the user or an administrator must consent to the gateway app using this resource, or the user must sign in again');
  }
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    return fail('invalid-client', "the identity provider refused the gateway app's client id or credential (secret expired, wrong certificate)");
  }
  if (error === 'invalid_scope' || (aadsts !== undefined && scopeCodes.has(aadsts))) {
    return fail('invalid-scope', 'the scope is unknown to the identity provider or not granted to the gateway app');
  }
  if (error === 'invalid_grant') return fail('invalid-grant', "the user's token is expired, revoked or not valid for this exchange; the user must sign in again");
  return fail('refused', 'the identity provider refused the exchange');
}
