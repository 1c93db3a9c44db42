export { createHost, type Host, type HostOptions } from './createHost.js';
export type { HostEvents } from './hostEvents.js';
export type { JobReport } from './jobs/runJob.js';
export type { ResolvedConfig } from './config/resolvedConfig.js';
export type { PluginInfo, PluginState } from './plugins/pluginRuntime.js';
export { createLogger, createSilentLogger } from './logging/createLogger.js';
export { createKeyFile, openKeyFile, readPublicKey, changeRecoveryKey, resolveRecoveryKey, type GatewayKeys } from './keys/index.js';
export { startEmbedded, readEmbeddedState, embeddedStateFile, type EmbeddedGateway, type EmbeddedState } from './embedded/startEmbedded.js';
