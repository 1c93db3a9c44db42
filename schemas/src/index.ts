export { PluginManifestSchema, type PluginManifest } from './pluginManifest.js';
export { GatewayConfigSchema, type GatewayConfig, type DataSourceConfig } from './gatewayConfig.js';
export { RelayJobSchema, type RelayJob, type JobParameter } from './relayJob.js';
export { HybridEnvelope, SealedEnvelope, Envelope, IdentityKind, Id } from './common.js';
export type { Static } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { HybridEnvelope as H, SealedEnvelope as S } from './common.js';
/** A credential encrypted to the gateway's public key. */
export type HybridEnvelopeDoc = Static<typeof H>;
/** A credential sealed under the gateway's data key. */
export type SealedEnvelopeDoc = Static<typeof S>;
