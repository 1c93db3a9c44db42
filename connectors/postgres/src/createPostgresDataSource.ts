import { performance } from 'node:perf_hooks';
import {
  ConnectorError,
  type ConnectionIdentity,
  type DataSourceHandle,
  type Logger,
  type PasswordIdentity,
  type PoolLimits,
  type QueryRequest,
  type ResultPart,
  type TestConnectionResult,
} from '@causeway/sdk';
import pg from 'pg';
import { abortError, createIdentityPools, createRunSignal, runOnLease, type IdentityPoolStats } from '@causeway/sdk/connectors';
import { createClientConfig } from './createClientConfig.js';
import { mapPgError, sqlState, type PgErrorContext } from './mapPgError.js';
import { isPgAuthFailure, pgSessionPool } from './pgSessionPool.js';
import { defaultPort, type PostgresSettings } from './postgresSettings.js';
import { sendCancelRequest } from './sendCancelRequest.js';
import { streamQuery } from './streamQuery.js';
import { pgTypeParsers } from './typeMap.js';

/** Options for opening a PostgreSQL data source. */
export interface PostgresDataSourceOptions {
  dataSourceId: string;
  limits: PoolLimits;
  logger: Logger;
  /**
   * Batches fetched ahead of the consumer. Default 1: the next batch is on its way from the server
   * while the host encodes and spools the current one (a large result read ~5-8 % faster end to end,
   * docs/performance.md), for one batch more in memory. 0 fetches only on pull.
   */
  readAhead?: 0 | 1;
  /** Called with the size of every batch fetched from the server (for tests and metrics). */
  onFetch?: (rows: number) => void;
}

/** A PostgreSQL data source handle, with pool counts for diagnostics. */
export interface PostgresDataSource extends DataSourceHandle {
  /** Sessions and pools held now, across identities. */
  poolStats(): IdentityPoolStats;
}

/**
 * Opens a PostgreSQL data source: nothing connects until the first query or test, then each
 * identity gets its own pool, and every query streams through a server-side cursor.
 */
export async function createPostgresDataSource(settings: PostgresSettings, options: PostgresDataSourceOptions): Promise<PostgresDataSource> {
  const { limits } = options;
  const logger = options.logger.child({ dataSourceId: options.dataSourceId });
  const configFor = await createClientConfig(settings);
  const address = { host: settings.host, port: settings.port ?? defaultPort };
  const where = `${address.host}:${address.port}`;
  const closeController = new AbortController();
  const pools = createIdentityPools<PasswordIdentity, pg.PoolClient>({
    limits,
    logger,
    product: 'PostgreSQL',
    isAuthFailure: isPgAuthFailure,
    createPool: (identity) =>
      pgSessionPool(
        new pg.Pool({
          ...configFor(identity),
          max: limits.maxConnections,
          idleTimeoutMillis: limits.idleTimeoutMs,
          connectionTimeoutMillis: limits.connectTimeoutMs,
          allowExitOnIdle: true,
          types: pgTypeParsers,
        }),
        logger,
      ),
  });

  const errorContext = (phase: PgErrorContext['phase'], identity: PasswordIdentity): PgErrorContext => ({
    phase,
    host: address.host,
    port: address.port,
    database: settings.database,
    user: identity.username,
    connectTimeoutMs: limits.connectTimeoutMs,
  });

  async function* execute(request: QueryRequest, identity: ConnectionIdentity): AsyncGenerator<ResultPart, void, undefined> {
    const password = requirePassword(identity);
    yield* runOnLease({
      request,
      closeSignal: closeController.signal,
      where,
      acquire: (signal) => pools.acquire(password, signal),
      connectError: (error) => mapPgError(error, errorContext('connect', password)),
      run: (lease, { signal, stopped }) =>
        streamQuery(lease, request, {
          signal,
          abortError: stopped,
            mapError: (error) => mapPgError(error, errorContext('query', password)),
            cancel: async (processID, secretKey) => {
              const delivered = await sendCancelRequest(address, processID, secretKey, limits.connectTimeoutMs);
              logger.debug({ processID, delivered }, 'sent a PostgreSQL cancel request');
            },
            settleTimeoutMs: limits.connectTimeoutMs,
            readAhead: options.readAhead ?? 1,
            onFetch: options.onFetch,
            logger,
        }),
    });
  }

  async function testConnection(identity: ConnectionIdentity, testOptions: { signal: AbortSignal }): Promise<TestConnectionResult> {
    const password = requirePassword(identity);
    const run = createRunSignal(testOptions.signal, closeController.signal, undefined);
    const client = new pg.Client({ ...configFor(password), connectionTimeoutMillis: limits.connectTimeoutMs });
    client.on('error', (error) => logger.debug({ err: { message: error.message, code: sqlState(error) } }, 'test connection session failed'));
    const onAbort = (): void => {
      client.connection.stream.destroy();
    };
    run.signal.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    let phase: PgErrorContext['phase'] = 'connect';
    try {
      if (run.signal.aborted) throw new Error('aborted');
      await client.connect();
      phase = 'query';
      const result = await client.query<{ version: string }>('select version() as version');
      return { ok: true, serverVersion: result.rows[0]?.version, latencyMs: performance.now() - started };
    } catch (error) {
      if (run.signal.aborted) throw abortError(run.signal.reason, undefined, where);
      throw mapPgError(error, errorContext(phase, password));
    } finally {
      run.signal.removeEventListener('abort', onAbort);
      run.dispose();
      await client.end().catch(() => undefined);
    }
  }

  let closing: Promise<void> | undefined;
  return {
    execute,
    testConnection,
    poolStats: () => pools.stats(),
    close() {
      closing ??= (async () => {
        closeController.abort(new ConnectorError('CW_JOB_CANCELLED', `the PostgreSQL data source ${options.dataSourceId} was closed`));
        await pools.close();
      })();
      return closing;
    },
  };
}

function requirePassword(identity: ConnectionIdentity): PasswordIdentity {
  if (identity.kind !== 'password') {
    throw new ConnectorError('CW_AUTH_MODE_UNSUPPORTED', `the PostgreSQL connector logs on with a user name and password, not a "${identity.kind}" identity`);
  }
  return identity;
}
