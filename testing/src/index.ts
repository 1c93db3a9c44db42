// The Causeway conformance kit: `describeConnectorConformance` registers a vitest suite that proves a
// connector against a live server (or a protocol fixture). See docs/connector-authors.md.
export { describeConnectorConformance, collect, type ConformanceOptions } from './describeConnectorConformance.js';
export type { ConformanceSubject, ConformanceQueries, TypeCase, ParameterCase, ServerAddress } from './conformanceSubject.js';
export { createTcpProxy, unusedPort, type TcpProxy } from './createTcpProxy.js';
