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
import { abortError, createIdentityPools, createRunSignal, runOnLease, type IdentityPoolStats } from '@causeway/sdk/connectors';
import { callTimeoutFor } from './callTimeoutFor.js';
import { createConnectionAttributes, timeoutSeconds } from './createConnectionAttributes.js';
import { createSessionCallback } from './createSessionCallback.js';
import { isOracleAuthFailure, mapOracleError, type OracleErrorContext } from './mapOracleError.js';
import type { OracleConnection, OracleDriver } from './oracleDriver.js';
import { defaultApplicationName, defaultMaxLobSize, defaultPort, type OracleSettings } from './oracleSettings.js';
import { oracleSessionPool } from './oracleSessionPool.js';
import { streamQuery } from './streamQuery.js';
import { testOracleConnection } from './testOracleConnection.js';

/** Options for opening an Oracle data source. */
export interface OracleDataSourceOptions {
  dataSourceId: string;
  limits: PoolLimits;
  logger: Logger;
  /** node-oracledb, or a fake of it in tests. */
  driver: OracleDriver;
  /** Called with the size of every fetch from the server (for tests and metrics). */
  onFetch?: (rows: number) => void;
}

/** An Oracle data source handle, with pool counts for diagnostics. */
export interface OracleDataSource extends DataSourceHandle {
  /** Sessions and pools held now, across identities. */
  poolStats(): IdentityPoolStats;
}

/**
 * Opens an Oracle data source: nothing connects until the first query or test, then each identity
 * gets its own oracledb pool (thin mode), and every query streams through a ResultSet.
 */
export async function createOracleDataSource(settings: OracleSettings, options: OracleDataSourceOptions): Promise<OracleDataSource> {
  const { limits, driver } = options;
  const logger = options.logger.child({ dataSourceId: options.dataSourceId });
  const attributesFor = await createConnectionAttributes(settings, limits);
  const port = settings.port ?? defaultPort;
  const where = `${settings.host}:${port}`;
  const closeController = new AbortController();
  const sessionCallback = createSessionCallback(settings.applicationName ?? defaultApplicationName);
  const pools = createIdentityPools<PasswordIdentity, OracleConnection>({
    limits,
    logger,
    product: 'Oracle',
    isAuthFailure: isOracleAuthFailure,
    createPool: (identity) =>
      oracleSessionPool(
        driver.createPool({
          ...attributesFor(identity),
          poolMin: 0,
          poolMax: limits.maxConnections,
          poolIncrement: 1,
          poolTimeout: timeoutSeconds(limits.idleTimeoutMs),
          queueTimeout: limits.connectTimeoutMs,
          sessionCallback,
        }),
        logger,
        limits.connectTimeoutMs,
      ),
  });

  const errorContext = (phase: OracleErrorContext['phase'], identity: PasswordIdentity): OracleErrorContext => ({
    phase,
    host: settings.host,
    port,
    serviceName: settings.serviceName,
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
      connectError: (error) => mapOracleError(error, errorContext('connect', password)),
      run: (lease, { signal, stopped }) =>
        streamQuery(lease, request, {
          signal,
          abortError: stopped,
            mapError: (error) => mapOracleError(error, errorContext('query', password)),
            types: driver.types,
            outFormatArray: driver.OUT_FORMAT_ARRAY,
            fetchArraySize: settings.fetchArraySize,
            maxLobSize: settings.maxLobSize ?? defaultMaxLobSize,
            callTimeoutMs: callTimeoutFor(settings.statementTimeoutMs, request.deadline, limits.connectTimeoutMs),
            settleTimeoutMs: limits.connectTimeoutMs,
            onFetch: options.onFetch,
            logger,
        }),
    });
  }

  async function testConnection(identity: ConnectionIdentity, testOptions: { signal: AbortSignal }): Promise<TestConnectionResult> {
    const password = requirePassword(identity);
    const run = createRunSignal(testOptions.signal, closeController.signal, undefined);
    try {
      return await testOracleConnection(driver, attributesFor(password), {
        signal: run.signal,
        abortError: () => abortError(run.signal.reason, undefined, where),
        mapError: (error, phase) => mapOracleError(error, errorContext(phase, password)),
        callTimeoutMs: limits.connectTimeoutMs,
      });
    } finally {
      run.dispose();
    }
  }

  let closing: Promise<void> | undefined;
  return {
    execute,
    testConnection,
    poolStats: () => pools.stats(),
    close() {
      closing ??= (async () => {
        closeController.abort(new ConnectorError('CW_JOB_CANCELLED', `the Oracle data source ${options.dataSourceId} was closed`));
        await pools.close();
      })();
      return closing;
    },
  };
}

function requirePassword(identity: ConnectionIdentity): PasswordIdentity {
  if (identity.kind !== 'password') {
    throw new ConnectorError('CW_AUTH_MODE_UNSUPPORTED', `the Oracle connector logs on with a user name and password, not a "${identity.kind}" identity`);
  }
  return identity;
}
