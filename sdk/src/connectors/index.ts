// Building blocks for connector plugins (`@causeway/sdk/connectors`): the built-in connectors use them too.
export { createRunSignal, type RunSignal } from './createRunSignal.js';
export { abortError } from './abortError.js';
export { createSlots, type Slots } from './createSlots.js';
export { createIdentityKey } from './createIdentityKey.js';
export {
  createIdentityPools,
  type IdentityPools,
  type IdentityPoolsOptions,
  type IdentityPoolStats,
  type PoolLease,
  type SessionPool,
} from './createIdentityPools.js';
export { trackDataSources } from './trackDataSources.js';
export { runOnLease, type RunOnLeaseOptions } from './runOnLease.js';
export { classifyNetworkError, connectError, connectionLostError, type NetworkFailure, type ConnectTarget } from './networkError.js';
export { corkForTick, type Corkable } from './corkForTick.js';
export { untilAborted, type UntilAbortedOptions } from './untilAborted.js';
