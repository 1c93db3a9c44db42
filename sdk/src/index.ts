export { SDK_VERSION } from './version.js';
export { createServiceRef, type ServiceRef, type ResolvedDeps } from './serviceRef.js';
export { coreServices, type PluginContext } from './coreServices.js';
export type { Logger } from './logger.js';
export type { Clock } from './clock.js';
export { errorCodes, isErrorCode, type ErrorCode } from './errorCodes.js';
export { CausewayError, ConnectorError, AuthError, isCausewayError, type ErrorLocation, type ConnectorErrorCode } from './errors.js';
export { columnTypes, type Column, type ColumnType, type ScalarColumnType, type Value, type Row } from './columns.js';
export type {
  ConnectionIdentity,
  IdentityKind,
  PasswordIdentity,
  AccessTokenIdentity,
  SamlIdentity,
  KerberosIdentity,
  GssContext,
  GssMechanism,
  EffectiveUserIdentity,
  JobIdentity,
} from './identity.js';
export { identitySecrets } from './identitySecrets.js';
export {
  defineConnector,
  type Connector,
  type ConnectorDefinition,
  type DataSourceHandle,
  type QueryRequest,
  type ResultPart,
  type SchemaPart,
  type RowsPart,
  type TestConnectionResult,
  type PoolLimits,
} from './connector.js';
export { defineAuthProvider, type AuthProvider, type AuthProviderDefinition, type AuthRequest } from './authProvider.js';
export { defineSpooler, type Spooler, type SpoolerDefinition, type JobSpool, type JobSpoolStats, type SpooledFrame } from './spooler.js';
export {
  defineRelayTransport,
  type RelayTransport,
  type RelayTransportDefinition,
  type RelaySession,
  type RelayHandler,
  type RelayLink,
  type RelayState,
  type JobDelivery,
  type FrameSource,
  type ClusterStatus,
  type ClusterMemberStatus,
} from './relayTransport.js';
export { pluginKinds, type PluginDefinition, type PluginKind } from './pluginDefinition.js';
