export { createClusterClient, type ClusterClient, type ClusterClientOptions, type ClusterJob } from './createClusterClient.js';
export { createClusterResultStream, type ClusterResultStream, type FrameFeed } from './createClusterResultStream.js';
export { createResultAssembler, type ResultAssembler, type RunInfo } from './createResultAssembler.js';
export type { ResultPart } from '../resultMessages.js';
