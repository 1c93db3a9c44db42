import { checkEndpointUrl } from './checkEndpointUrl.js';
import { providerUnreachable } from './providerUnreachable.js';
import { requestIdentityProvider } from './requestIdentityProvider.js';

/** The parts of the OpenID metadata the provider uses. */
export interface EntraMetadata {
  issuer: string;
  jwksUri: URL;
  tokenEndpoint: URL;
}

/** Loads `{authority}/v2.0/.well-known/openid-configuration` once; a failed load is retried on the next call. */
export function createMetadataLoader(options: { authority: string; timeoutMs: number; fetch?: typeof fetch }): () => Promise<EntraMetadata> {
  const authority = checkEndpointUrl(options.authority, 'authority');
  const url = `${authority.href.replace(/\/+$/, '')}/v2.0/.well-known/openid-configuration`;
  let loaded: Promise<EntraMetadata> | undefined;

  const load = async (): Promise<EntraMetadata> => {
    const { status, body } = await requestIdentityProvider({ url, timeoutMs: options.timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) });
    if (status !== 200) throw providerUnreachable(status >= 500 ? 'server-error' : 'http-status', url, `OpenID metadata answered HTTP ${status}`, { status });
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw providerUnreachable('invalid-response', url, 'OpenID metadata is not JSON');
    }
    for (const field of ['issuer', 'jwks_uri', 'token_endpoint']) {
      if (typeof doc[field] !== 'string') throw providerUnreachable('invalid-response', url, `OpenID metadata has no "${field}"`, { field });
    }
    return {
      issuer: doc.issuer as string,
      jwksUri: checkEndpointUrl(doc.jwks_uri, `${url}#/jwks_uri`),
      tokenEndpoint: checkEndpointUrl(doc.token_endpoint, `${url}#/token_endpoint`),
    };
  };

  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
