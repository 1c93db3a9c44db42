import { createClientAssertion } from './createClientAssertion.js';
import { mapTokenEndpointError } from './mapTokenEndpointError.js';
import { providerUnreachable } from './providerUnreachable.js';
import type { ClientCredential } from './readClientCredential.js';
import { requestIdentityProvider } from './requestIdentityProvider.js';

/** One on-behalf-of exchange. */
export interface OnBehalfOfRequest {
  tokenEndpoint: string;
  clientId: string;
  credential: ClientCredential;
  /** The user's validated access token. */
  assertion: string;
  scope: string;
  timeoutMs: number;
  now: number;
  fetch?: typeof fetch;
}

/** A token the identity provider issued for the data source. */
export interface ExchangedToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Exchanges the user's token for one addressed to the data source (OAuth 2.0 on-behalf-of:
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`, `requested_token_use=on_behalf_of`),
 * authenticating the gateway app with its client secret or a certificate-signed client assertion.
 */
export async function exchangeOnBehalfOf(request: OnBehalfOfRequest): Promise<ExchangedToken> {
  const form = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    requested_token_use: 'on_behalf_of',
    client_id: request.clientId,
    assertion: request.assertion,
    scope: request.scope,
  });
  if (request.credential.kind === 'secret') {
    form.set('client_secret', request.credential.secret);
  } else {
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set(
      'client_assertion',
      await createClientAssertion({
        clientId: request.clientId,
        tokenEndpoint: request.tokenEndpoint,
        privateKey: request.credential.privateKey,
        thumbprintSha256: request.credential.thumbprintSha256,
        now: request.now,
      }),
    );
  }
  const { status, body } = await requestIdentityProvider({
    url: request.tokenEndpoint,
    init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() },
    timeoutMs: request.timeoutMs,
    ...(request.fetch ? { fetch: request.fetch } : {}),
  });
  if (status !== 200) throw mapTokenEndpointError(status, body, request.tokenEndpoint, request.scope);
  let doc: { access_token?: unknown; expires_in?: unknown };
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch {
    throw providerUnreachable('invalid-response', request.tokenEndpoint, 'the token endpoint answered 200 with a body that is not JSON');
  }
  const expiresIn = typeof doc.expires_in === 'string' ? Number(doc.expires_in) : doc.expires_in;
  if (typeof doc.access_token !== 'string' || !doc.access_token || typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw providerUnreachable('invalid-response', request.tokenEndpoint, 'the token endpoint answer lacks "access_token" or a positive "expires_in"');
  }
  return { token: doc.access_token, expiresAt: request.now + expiresIn * 1000 };
}
