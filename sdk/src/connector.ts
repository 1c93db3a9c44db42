import type { Column, Row, Value } from './columns.js';
import type { ConnectionIdentity } from './identity.js';
import type { ResolvedDeps, ServiceRef } from './serviceRef.js';

/** A query a connector runs for one job. */
export interface QueryRequest {
  /** The query text in the data source's own language. */
  text: string;
  /** Positional parameters, bound by the driver (never spliced into the text). */
  parameters: readonly Value[];
  /** Aborted when the job is cancelled or its deadline passes; the connector must stop the server-side work. */
  signal: AbortSignal;
  /** Epoch milliseconds after which the job is abandoned (also signalled through `signal`). */
  deadline: number | undefined;
  /** A hint for how many rows to put in one batch. */
  batchRows: number;
}

/** The first part of every result: the columns. */
export interface SchemaPart {
  kind: 'schema';
  columns: Column[];
}

/** A batch of rows in column order. */
export interface RowsPart {
  kind: 'rows';
  rows: Row[];
}

/** What a query yields: one `schema`, then any number of `rows`. */
export type ResultPart = SchemaPart | RowsPart;

/** The outcome of a test connection. */
export interface TestConnectionResult {
  ok: boolean;
  /** The server's version or product name when known. */
  serverVersion?: string;
  /** How long the round trip took. */
  latencyMs: number;
}

/** Limits the host gives each data source's pool. */
export interface PoolLimits {
  maxConnections: number;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
}

/** A configured data source, opened by a connector: it owns its connection pools. */
export interface DataSourceHandle {
  /**
   * Runs a query as `identity` and yields the schema, then row batches. Iteration is the
   * backpressure: the connector must not read far ahead of the consumer.
   */
  execute(request: QueryRequest, identity: ConnectionIdentity): AsyncIterable<ResultPart>;
  /** Opens a connection as `identity` and runs the cheapest round trip. */
  testConnection(identity: ConnectionIdentity, options: { signal: AbortSignal }): Promise<TestConnectionResult>;
  /** Closes every pool. */
  close(): Promise<void>;
}

/** What a connector does once created. */
export interface Connector<S> {
  /** Opens a data source with its validated settings. Must not connect eagerly. */
  openDataSource(settings: S, options: { dataSourceId: string; limits: PoolLimits }): DataSourceHandle | Promise<DataSourceHandle>;
  /** Called when the plugin is unloaded. */
  dispose?(): Promise<void>;
}

/** A connector plugin's definition: the default export of its entry module. */
export interface ConnectorDefinition<S = Record<string, unknown>, D extends Record<string, ServiceRef<unknown>> = Record<string, ServiceRef<unknown>>> {
  readonly kind: 'connector';
  readonly apiVersion: 1;
  readonly deps: D;
  create(deps: ResolvedDeps<D>): Connector<S> | Promise<Connector<S>>;
}

/** Declares a connector plugin. `S` is the type of a data source's settings (validated by the manifest's schema). */
export function defineConnector<S = Record<string, unknown>, D extends Record<string, ServiceRef<unknown>> = Record<string, never>>(definition: {
  deps?: D;
  create(deps: ResolvedDeps<D>): Connector<S> | Promise<Connector<S>>;
}): ConnectorDefinition<S, D> {
  return Object.freeze({ kind: 'connector', apiVersion: 1, deps: (definition.deps ?? {}) as D, create: definition.create });
}
