import { CausewayError, type AuthProvider, type ConnectionIdentity, type IdentityKind, type JobIdentity } from '@causeway/sdk';
import type { PluginRuntime } from '../plugins/pluginRuntime.js';

/** One data source's auth step: which provider, with which settings, for which connector. */
export interface AuthenticateInput {
  plugins: PluginRuntime;
  dataSourceId: string;
  connectorId: string;
  providerId: string;
  settings: Record<string, unknown>;
  identity: JobIdentity;
  secret: Readonly<Record<string, unknown>> | undefined;
  signal: AbortSignal;
}

/**
 * The identity kinds a provider may hand this connector: the connector's accepted kinds (in its
 * order of preference) that the provider declares it produces.
 */
export function acceptedIdentityKinds(plugins: PluginRuntime, connectorId: string, providerId: string): IdentityKind[] {
  const accepted = (plugins.manifest(connectorId)?.connector?.identityKinds ?? []) as IdentityKind[];
  const produced = new Set<string>(plugins.manifest(providerId)?.authProvider?.produces ?? []);
  return accepted.filter((kind) => produced.has(kind));
}

/**
 * Runs the data source's auth provider and checks that what it produced is an identity the
 * connector accepts: a provider returning another kind is a plugin bug, reported as
 * `CW_AUTH_MODE_UNSUPPORTED` naming both plugins, never handed to the connector.
 */
export async function authenticate(input: AuthenticateInput): Promise<ConnectionIdentity> {
  const accepts = acceptedIdentityKinds(input.plugins, input.connectorId, input.providerId);
  const provider: AuthProvider<Record<string, unknown>> = await input.plugins.use(input.providerId, 'auth-provider');
  const identity = await provider.authenticate({
    dataSourceId: input.dataSourceId,
    settings: input.settings,
    identity: input.identity,
    secret: input.secret,
    accepts,
    signal: input.signal,
  });
  if (!accepts.includes(identity.kind)) {
    throw new CausewayError(
      'CW_AUTH_MODE_UNSUPPORTED',
      `auth provider "${input.providerId}" produced a "${identity.kind}" identity for data source "${input.dataSourceId}", but connector "${input.connectorId}" takes only ${accepts.map((k) => `"${k}"`).join(', ') || 'none it produces'}`,
      { details: { dataSource: input.dataSourceId, provider: input.providerId, connector: input.connectorId, produced: identity.kind, accepts } },
    );
  }
  return identity;
}
