import type { Clock, Logger } from '@causeway/sdk';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { classifyJoseError } from './classifyJoseError.js';
import { createMetadataLoader, type EntraMetadata } from './createMetadataLoader.js';
import type { EntraValidatorSettings, TokenVersion } from './entraSettings.js';
import { foldUpn } from './foldUpn.js';
import { tokenInvalid } from './tokenInvalid.js';

/** A token that passed every check, with the facts taken from it. */
export interface ValidatedEntraToken {
  /** The verified claims. */
  claims: JWTPayload & Record<string, unknown>;
  /** `upn`, else `preferred_username`, from the verified token. */
  upn: string;
  /** The user's object id. */
  oid: string;
  /** The user's tenant id (lower case). */
  tid: string;
  /** Which issuer format matched. */
  version: TokenVersion;
  /** `exp` in epoch milliseconds. */
  expiresAt: number;
}

/** Validates Entra ID access tokens against one authority's keys. */
export interface EntraTokenValidator {
  /** Verifies the token; `expectedUpn` (the job's unverified claim, if any) must equal the token's UPN. */
  validate(token: string, options?: { expectedUpn?: string | undefined }): Promise<ValidatedEntraToken>;
  /** The authority's OpenID metadata (loaded once). */
  metadata(): Promise<EntraMetadata>;
}

/** Options of `createEntraTokenValidator`. */
export interface EntraTokenValidatorOptions {
  clock?: Clock;
  logger?: Logger;
  fetch?: typeof fetch;
}

const defaultIssuers: Record<TokenVersion, string> = {
  v2: 'https://login.microsoftonline.com/{tid}/v2.0',
  v1: 'https://sts.windows.net/{tid}/',
};

/**
 * Creates a validator of Entra ID access tokens: signature with the authority's published keys
 * (fetched once, cached, refetched on an unknown `kid` after the cooldown), pinned algorithms,
 * audience, expiry and not-before with a bounded skew, tenant allow-list, issuer for the token's
 * tenant, required claims and scopes. Every refusal is `CW_TOKEN_INVALID` with `details.reason`.
 */
export function createEntraTokenValidator(settings: EntraValidatorSettings, options: EntraTokenValidatorOptions = {}): EntraTokenValidator {
  const clock = options.clock ?? { now: () => Date.now() };
  const algorithms = [...(settings.allowedAlgorithms ?? ['RS256'])];
  const skew = Math.min(Math.max(settings.clockSkewSeconds ?? 120, 0), 600);
  const tenants = new Set(settings.tenants.map((t) => t.toLowerCase()));
  const versions = settings.tokenVersions ?? ['v2'];
  const issuers = { ...defaultIssuers, ...settings.issuers };
  const requiredClaims = [...new Set(['exp', 'iss', 'aud', 'tid', 'oid', ...(settings.requiredClaims ?? [])])];
  const metadata = createMetadataLoader({ authority: settings.authority, timeoutMs: settings.metadataTimeoutMs ?? 10_000, ...(options.fetch ? { fetch: options.fetch } : {}) });
  let keys: Promise<{ jwks: ReturnType<typeof createRemoteJWKSet>; uri: string }> | undefined;

  const keySet = () => {
    keys ??= metadata().then(
      (meta) => ({
        uri: meta.jwksUri.href,
        jwks: createRemoteJWKSet(meta.jwksUri, {
          cacheMaxAge: settings.jwksCacheMaxAgeMs ?? 3_600_000,
          cooldownDuration: settings.jwksCooldownMs ?? 30_000,
          timeoutDuration: settings.metadataTimeoutMs ?? 10_000,
        }),
      }),
      (error: unknown) => {
        keys = undefined;
        throw error;
      },
    );
    return keys;
  };

  const validate = async (token: string, opts: { expectedUpn?: string | undefined } = {}): Promise<ValidatedEntraToken> => {
    if (typeof token !== 'string' || token.split('.').length !== 3) throw tokenInvalid('malformed', 'the token is not a compact JWS (three dot-separated parts)');
    try {
      decodeProtectedHeader(token);
    } catch (error) {
      throw tokenInvalid('malformed', 'the token header is not base64url JSON', {}, error);
    }
    const { jwks, uri } = await keySet();
    let payload: JWTPayload & Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms,
        audience: [...settings.audiences],
        clockTolerance: skew,
        currentDate: new Date(clock.now()),
        requiredClaims,
      }));
    } catch (error) {
      throw classifyJoseError(error, uri);
    }

    const tid = String(payload.tid).toLowerCase();
    if (!tenants.has(tid)) throw tokenInvalid('tenant', `tenant ${tid} is not in the allowed tenants`, { tid });
    const version = versions.find((v) => payload.iss === issuers[v].replaceAll('{tid}', tid) || payload.iss === issuers[v].replaceAll('{tid}', String(payload.tid)));
    if (!version) throw tokenInvalid('issuer', `issuer "${String(payload.iss)}" is not an accepted ${versions.join('/')} issuer of tenant ${tid}`, { issuer: payload.iss });

    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    const missingScopes = (settings.requiredScopes ?? []).filter((s) => !scopes.includes(s));
    if (missingScopes.length > 0) throw tokenInvalid('scope', `the token lacks the delegated scope(s) ${missingScopes.join(', ')}`, { missingScopes });

    const upnClaim = typeof payload.upn === 'string' && payload.upn ? payload.upn : typeof payload.preferred_username === 'string' && payload.preferred_username ? payload.preferred_username : undefined;
    if (!upnClaim) throw tokenInvalid('missing', 'the token has neither "upn" nor "preferred_username" (an app-only token cannot act for a user)', { claim: 'upn' });
    if (opts.expectedUpn !== undefined && foldUpn(opts.expectedUpn) !== foldUpn(upnClaim)) {
      throw tokenInvalid('upn-mismatch', `the job names user "${opts.expectedUpn}" but the token belongs to "${upnClaim}"`, { jobUpn: opts.expectedUpn, tokenUpn: upnClaim });
    }
    if (typeof payload.oid !== 'string' || !payload.oid) throw tokenInvalid('missing', 'the "oid" claim is not a string', { claim: 'oid' });
    options.logger?.debug({ upn: upnClaim, tid, version }, 'entra token validated');
    return { claims: payload, upn: upnClaim, oid: payload.oid, tid, version, expiresAt: (payload.exp ?? 0) * 1000 };
  };

  return { validate, metadata };
}
