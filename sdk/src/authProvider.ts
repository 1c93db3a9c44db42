import type { ConnectionIdentity, IdentityKind, JobIdentity } from './identity.js';
import type { ResolvedDeps, ServiceRef } from './serviceRef.js';

/** What an auth provider gets for one job. */
export interface AuthRequest<S> {
  /** The data source id. */
  dataSourceId: string;
  /** The data source's auth settings, validated against the provider's `dataSourceSchema`. */
  settings: S;
  /** Who the job runs for. */
  identity: JobIdentity;
  /**
   * The job's decrypted credential, if the job carried one; otherwise the data source's stored one,
   * if configured. Decrypted only for this call; do not keep it.
   */
  secret: Readonly<Record<string, unknown>> | undefined;
  /**
   * The identity kinds this data source's connector accepts that the provider declares it produces,
   * in the connector's order of preference. A provider that can produce several kinds returns one of
   * these; the host refuses any other (`CW_AUTH_MODE_UNSUPPORTED`).
   */
  accepts: readonly IdentityKind[];
  /** Aborted when the job is cancelled. */
  signal: AbortSignal;
}

/** Turns a job's identity and secret into a connection identity. */
export interface AuthProvider<S> {
  /** Produces the identity the connector logs on with. Throws `AuthError` when it cannot. */
  authenticate(request: AuthRequest<S>): Promise<ConnectionIdentity>;
  /** Called when the plugin is unloaded. */
  dispose?(): Promise<void>;
}

/** An auth-provider plugin's definition: the default export of its entry module. */
export interface AuthProviderDefinition<S = Record<string, unknown>, D extends Record<string, ServiceRef<unknown>> = Record<string, ServiceRef<unknown>>> {
  readonly kind: 'auth-provider';
  readonly apiVersion: 1;
  readonly deps: D;
  create(deps: ResolvedDeps<D>): AuthProvider<S> | Promise<AuthProvider<S>>;
}

/** Declares an auth-provider plugin. */
export function defineAuthProvider<S = Record<string, unknown>, D extends Record<string, ServiceRef<unknown>> = Record<string, never>>(definition: {
  deps?: D;
  create(deps: ResolvedDeps<D>): AuthProvider<S> | Promise<AuthProvider<S>>;
}): AuthProviderDefinition<S, D> {
  return Object.freeze({ kind: 'auth-provider', apiVersion: 1, deps: (definition.deps ?? {}) as D, create: definition.create });
}
