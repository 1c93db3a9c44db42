import type { AuthProviderDefinition } from './authProvider.js';
import type { ConnectorDefinition } from './connector.js';
import type { RelayTransportDefinition } from './relayTransport.js';
import type { SpoolerDefinition } from './spooler.js';

/** Any plugin definition an entry module may export as its default. */
export type PluginDefinition =
  | ConnectorDefinition<never, never>
  | AuthProviderDefinition<never, never>
  | SpoolerDefinition<never>
  | RelayTransportDefinition<never>;

/** The plugin kinds. */
export type PluginKind = PluginDefinition['kind'];

/** Every plugin kind, in the order the host loads them. */
export const pluginKinds: readonly PluginKind[] = ['spooler', 'relay-transport', 'auth-provider', 'connector'];
