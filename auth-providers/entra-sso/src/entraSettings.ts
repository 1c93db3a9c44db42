import type { UserMappingConfig } from '@causeway/user-mapping';

/** Signature algorithms the validator may be told to accept: asymmetric only, so a public key can never act as an HMAC secret. */
export const signatureAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

/** An accepted token signature algorithm. */
export type SignatureAlgorithm = (typeof signatureAlgorithms)[number];

/** Entra token versions: v2 (`https://login.microsoftonline.com/{tid}/v2.0`) and v1 (`https://sts.windows.net/{tid}/`). */
export type TokenVersion = 'v1' | 'v2';

/** What the token validator needs (the plugin-wide settings minus the OBO client). */
export interface EntraValidatorSettings {
  /** e.g. `https://login.microsoftonline.com/<tenant id>`; metadata is read from `{authority}/v2.0/.well-known/openid-configuration`. */
  authority: string;
  /** Tenant ids (`tid`) whose users are accepted. */
  tenants: readonly string[];
  /** Accepted `aud` values: the gateway API's app id URI and/or client id. */
  audiences: readonly string[];
  /** Accepted token versions (issuer formats); default `["v2"]`. */
  tokenVersions?: readonly TokenVersion[];
  /** Issuer templates with `{tid}`; defaults are Entra's public cloud. */
  issuers?: { v1?: string; v2?: string };
  /** Default `["RS256"]`. */
  allowedAlgorithms?: readonly SignatureAlgorithm[];
  /** Tolerance on `exp`/`nbf`; default 120, at most 600. */
  clockSkewSeconds?: number;
  /** Claims every token must carry besides `exp`, `iss`, `aud`, `tid`, `oid`. */
  requiredClaims?: readonly string[];
  /** Delegated scopes (`scp`) the token must all carry, e.g. `["access_as_user"]`. */
  requiredScopes?: readonly string[];
  /** How long fetched signing keys are used before they are fetched again; default 3600000. */
  jwksCacheMaxAgeMs?: number;
  /** Least time between two JWKS fetches (an unknown `kid` refetches only after it); default 30000. */
  jwksCooldownMs?: number;
  /** Time limit of each metadata or JWKS request; default 10000. */
  metadataTimeoutMs?: number;
}

/** The provider's plugin-wide settings (`plugins.settings["entra-sso"]`). */
export interface EntraPluginSettings extends EntraValidatorSettings {
  /** The gateway API app's client id, which performs the on-behalf-of exchange. */
  clientId?: string;
  /** How the gateway app authenticates to the token endpoint; the secret or key is in the data source's encrypted secret. */
  clientCredential?: 'secret' | 'certificate';
  /** Time limit of each token-endpoint request; default 10000. */
  tokenEndpointTimeoutMs?: number;
  /** An exchanged token is reused until this many seconds before it expires; default 300. */
  oboRefreshMarginSeconds?: number;
  /** Exchanged tokens held at most (the oldest goes first); default 10000. */
  oboCacheMaxEntries?: number;
}

/** The provider's per-data-source settings (`dataSources.<id>.auth.settings`). */
export interface EntraDataSourceSettings {
  /** The resource scope of the on-behalf-of exchange, e.g. `https://database.windows.net/.default`; needed for `access-token`. */
  scope?: string;
  /** Maps the token's UPN to the EffectiveUserName; needed for `effective-user`. */
  userMapping?: UserMappingConfig;
  /** The service account's user name when the secret holds only its password (`effective-user`). */
  serviceUsername?: string;
  /** Read by the host: false (the default here) always uses the data source's stored secret, never one a job carries. */
  allowJobCredentials?: boolean;
}
