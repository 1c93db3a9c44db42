export { createRelayServer, type RelayServer, type RelayServerOptions } from './relayServer.js';
export type { RelayStats } from './jobRouter.js';
export { createRelayClient, type RelayClient, type RelayClientOptions, type ClientJob, type GatewayInfo } from './relayClient.js';
export { createResultStream, type ResultStream } from './resultStream.js';
export { createNodeHttp, type RelayHttp, type RelayHttpRequest, type RelayHttpResponse } from './relayHttp.js';
export { encodeLengthPrefixed, readLengthPrefixed, MAX_STREAM_FRAME_BYTES } from './lengthPrefixedFrames.js';
