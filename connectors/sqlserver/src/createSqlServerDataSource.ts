import { performance } from 'node:perf_hooks';
import {
  ConnectorError,
  type ConnectionIdentity,
  type DataSourceHandle,
  type Logger,
  type PoolLimits,
  type QueryRequest,
  type ResultPart,
  type TestConnectionResult,
} from '@causeway/sdk';
import { abortError, createIdentityPools, createRunSignal, runOnLease, untilAborted, type IdentityPoolStats } from '@causeway/sdk/connectors';
import { createConnectionConfig, type SqlServerIdentity } from './createConnectionConfig.js';
import { loadTedious } from './loadTedious.js';
import { isLoginRefused, mapSqlServerError, type SqlServerErrorContext } from './mapSqlServerError.js';
import { closeSession, openSession, type SqlSession } from './openSession.js';
import { serverAddress, type SqlServerSettings } from './sqlServerSettings.js';
import { sqlSessionPool } from './sqlSessionPool.js';
import { streamQuery } from './streamQuery.js';

/** Options for opening a SQL Server data source. */
export interface SqlServerDataSourceOptions {
  dataSourceId: string;
  limits: PoolLimits;
  logger: Logger;
  /** Called with every row as the driver hands it over (for tests and metrics). */
  onRow?: () => void;
}

/** A SQL Server data source handle, with pool counts for diagnostics. */
export interface SqlServerDataSource extends DataSourceHandle {
  /** Sessions and pools held now, across identities. */
  poolStats(): IdentityPoolStats;
}

/**
 * Opens a SQL Server data source: nothing connects until the first query or test, then each
 * identity (SQL login or access token) gets its own pool of tedious connections, and every query
 * streams with backpressure and is cancelled on the server when it is aborted.
 */
export async function createSqlServerDataSource(settings: SqlServerSettings, options: SqlServerDataSourceOptions): Promise<SqlServerDataSource> {
  const { limits } = options;
  const logger = options.logger.child({ dataSourceId: options.dataSourceId });
  const configFor = await createConnectionConfig(settings, limits);
  const { tedious } = loadTedious();
  const where = serverAddress(settings);
  const closeController = new AbortController();

  const pools = createIdentityPools<SqlServerIdentity, SqlSession>({
    limits,
    logger,
    product: 'SQL Server',
    isAuthFailure: isLoginRefused,
    createPool: (identity) =>
      sqlSessionPool({
        open: () => openSession(tedious, configFor(identity), logger),
        max: limits.maxConnections,
        idleTimeoutMs: limits.idleTimeoutMs,
        logger,
      }),
  });

  const errorContext = (phase: SqlServerErrorContext['phase'], identity: SqlServerIdentity): SqlServerErrorContext => ({
    phase,
    where,
    database: settings.database,
    user: identity.kind === 'password' ? `user "${identity.username}"` : 'an access token',
    connectTimeoutMs: limits.connectTimeoutMs,
    requestTimeoutMs: settings.requestTimeoutMs,
  });

  async function* execute(request: QueryRequest, identity: ConnectionIdentity): AsyncGenerator<ResultPart, void, undefined> {
    const sqlIdentity = requireSupported(identity);
    yield* runOnLease({
      request,
      closeSignal: closeController.signal,
      where,
      acquire: (signal) => pools.acquire(sqlIdentity, signal),
      connectError: (error) => mapSqlServerError(error, errorContext('connect', sqlIdentity)),
      run: (lease, { signal, stopped }) =>
        streamQuery(lease, request, {
          tedious,
          signal,
          abortError: stopped,
          mapError: (error) => mapSqlServerError(error, errorContext('query', sqlIdentity)),
          settleTimeoutMs: limits.connectTimeoutMs,
          onRow: options.onRow,
          logger,
        }),
    });
  }

  async function testConnection(identity: ConnectionIdentity, testOptions: { signal: AbortSignal }): Promise<TestConnectionResult> {
    const sqlIdentity = requireSupported(identity);
    const run = createRunSignal(testOptions.signal, closeController.signal, undefined);
    const started = performance.now();
    let phase: SqlServerErrorContext['phase'] = 'connect';
    let session: SqlSession | undefined;
    const opening = openSession(tedious, configFor(sqlIdentity), logger);
    const onAbort = (): void => {
      void opening.then((late) => closeSession(late), () => undefined);
    };
    run.signal.addEventListener('abort', onAbort, { once: true });
    try {
      session = await untilAborted(opening, run.signal);
      phase = 'query';
      const version = await untilAborted(selectVersion(tedious, session), run.signal);
      return { ok: true, serverVersion: version, latencyMs: performance.now() - started };
    } catch (error) {
      if (run.signal.aborted) throw abortError(run.signal.reason, undefined, where);
      throw mapSqlServerError(error, errorContext(phase, sqlIdentity));
    } finally {
      run.signal.removeEventListener('abort', onAbort);
      run.dispose();
      if (session) await closeSession(session);
    }
  }

  let closing: Promise<void> | undefined;
  return {
    execute,
    testConnection,
    poolStats: () => pools.stats(),
    close() {
      closing ??= (async () => {
        closeController.abort(new ConnectorError('CW_JOB_CANCELLED', `the SQL Server data source ${options.dataSourceId} was closed`));
        await pools.close();
      })();
      return closing;
    },
  };
}

function requireSupported(identity: ConnectionIdentity): SqlServerIdentity {
  if (identity.kind !== 'password' && identity.kind !== 'access-token') {
    throw new ConnectorError('CW_AUTH_MODE_UNSUPPORTED', `the SQL Server connector logs on with a SQL login (password) or an access token, not a "${identity.kind}" identity`);
  }
  return identity;
}

// The cheapest round trip that also tells what the server is.
function selectVersion(tedious: ReturnType<typeof loadTedious>['tedious'], session: SqlSession): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let version: string | undefined;
    const request = new tedious.Request('SELECT @@VERSION', (error) => (error ? reject(error) : resolve(version)));
    request.on('row', (columns: Array<{ value: unknown }>) => {
      const value = columns[0]?.value;
      if (typeof value === 'string') version = value;
    });
    session.connection.execSqlBatch(request);
  });
}
