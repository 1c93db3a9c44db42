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
import { abortError, connectError, createIdentityPools, createRunSignal, runOnLease, type IdentityPoolStats } from '@causeway/sdk/connectors';
import mysql, { type Connection, type ExecuteValues, type PoolConnection } from 'mysql2';
import { createConnectionOptions, requireMysqlIdentity, userOf, type MysqlIdentity } from './createConnectionOptions.js';
import { killQuery } from './killQuery.js';
import { isMysqlAuthFailure, mapMysqlError, serverErrno, type MysqlErrorContext } from './mapMysqlError.js';
import { defaultPort, type MysqlSettings } from './mysqlSettings.js';
import { destroy, mysqlSessionPool } from './mysqlSessionPool.js';
import { flavourOf, sessionSetupSql } from './sessionSetup.js';
import { streamQuery } from './streamQuery.js';
import { toMysqlParameters } from './toMysqlParameters.js';

/** Options for opening a MySQL / MariaDB data source. */
export interface MysqlDataSourceOptions {
  dataSourceId: string;
  limits: PoolLimits;
  logger: Logger;
  /** Called with the rows received from the server so far, as batches fill (for tests and metrics). */
  onFetch?: (rowsReceived: number) => void;
}

/** A MySQL / MariaDB data source handle, with pool counts for diagnostics. */
export interface MysqlDataSource extends DataSourceHandle {
  /** Sessions and pools held now, across identities. */
  poolStats(): IdentityPoolStats;
}

/**
 * Opens a MySQL / MariaDB data source: nothing connects until the first query or test, then each
 * identity gets its own mysql2 pool (capped together at `limits.maxConnections`), every new
 * session is set up once (UTC time zone, write timeout, statement limit), and every query streams
 * (see `streamQuery`).
 */
export async function createMysqlDataSource(settings: MysqlSettings, options: MysqlDataSourceOptions): Promise<MysqlDataSource> {
  const { limits } = options;
  const logger = options.logger.child({ dataSourceId: options.dataSourceId });
  const connectionOptionsFor = await createConnectionOptions(settings, limits.connectTimeoutMs);
  const address = { host: settings.host, port: settings.port ?? defaultPort };
  const where = `${address.host}:${address.port}`;
  const typeMap = { tinyint1AsBoolean: settings.tinyint1AsBoolean ?? true };
  const closeController = new AbortController();

  const setupSession = (connection: Connection): Promise<void> =>
    new Promise((resolve, reject) => {
      connection.query(sessionSetupSql(settings, flavourOf(connection)), (error) => (error ? reject(error) : resolve()));
    });

  const pools = createIdentityPools<MysqlIdentity, PoolConnection>({
    limits,
    logger,
    product: 'MySQL',
    isAuthFailure: isMysqlAuthFailure,
    createPool: (identity) =>
      mysqlSessionPool(
        mysql.createPool({
          ...connectionOptionsFor(identity),
          connectionLimit: limits.maxConnections,
          // Idle sessions are not trimmed one by one: createIdentityPools ends the whole pool of an
          // identity unused for limits.idleTimeoutMs (and mysql2's own trimming needs a timer that
          // would keep the process alive).
          maxIdle: limits.maxConnections,
          waitForConnections: true,
          queueLimit: 0,
        }),
        { setup: setupSession, logger },
      ),
  });

  const errorContext = (phase: MysqlErrorContext['phase'], identity: MysqlIdentity, connection?: object): MysqlErrorContext => ({
    phase,
    host: address.host,
    port: address.port,
    database: settings.database,
    user: userOf(identity),
    product: connection ? flavourOf(connection) : undefined,
    connectTimeoutMs: limits.connectTimeoutMs,
  });

  async function* execute(request: QueryRequest, identity: ConnectionIdentity): AsyncGenerator<ResultPart, void, undefined> {
    const mysqlIdentity = requireMysqlIdentity(identity);
    // Converted before a session is taken: a value that cannot be sent costs no round trip.
    let parameters: ExecuteValues[];
    try {
      parameters = toMysqlParameters(request.parameters, mysql.TypedParameter);
    } catch (error) {
      throw mapMysqlError(error, errorContext('query', mysqlIdentity));
    }
    yield* runOnLease({
      request,
      closeSignal: closeController.signal,
      where,
      acquire: (signal) => pools.acquire(mysqlIdentity, signal),
      connectError: (error) => mapMysqlError(error, errorContext('connect', mysqlIdentity)),
      run: (lease, { signal, stopped }) =>
        streamQuery(lease, request, {
          signal,
          abortError: stopped,
          mapError: (error) => mapMysqlError(error, errorContext('query', mysqlIdentity, lease.session)),
          parameters,
          kill: async (threadId, what) => {
            const statement = what === 'query' ? 'KILL QUERY' : 'KILL';
            const killed = await killQuery(connectionOptionsFor(mysqlIdentity), threadId, limits.connectTimeoutMs, what);
            logger.debug({ threadId, killed }, `sent ${statement} for a stopped statement`);
          },
          settleTimeoutMs: limits.connectTimeoutMs,
          typeMap,
          onFetch: options.onFetch,
          logger,
        }),
    });
  }

  async function testConnection(identity: ConnectionIdentity, testOptions: { signal: AbortSignal }): Promise<TestConnectionResult> {
    const mysqlIdentity = requireMysqlIdentity(identity);
    const run = createRunSignal(testOptions.signal, closeController.signal, undefined);
    const started = performance.now();
    let phase: MysqlErrorContext['phase'] = 'connect';
    let connection: Connection | undefined;
    // One bound for the whole test (connect, set up, SELECT VERSION()): the connect timeout.
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const bounded = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(connectError(new Error('timed out'), { product: 'MySQL/MariaDB', where, connectTimeoutMs: limits.connectTimeoutMs }, 'timeout')), limits.connectTimeoutMs);
      timer.unref();
      onAbort = () => reject(abortError(run.signal.reason, undefined, where));
      if (run.signal.aborted) onAbort();
      else run.signal.addEventListener('abort', onAbort, { once: true });
    });
    bounded.catch(() => undefined);
    const within = <T>(work: Promise<T>): Promise<T> => Promise.race([work, bounded]);
    try {
      connection = mysql.createConnection(connectionOptionsFor(mysqlIdentity));
      const opened = connection;
      opened.on('error', (error: Error) => logger.debug({ err: { message: error.message, errno: serverErrno(error) } }, 'test connection session failed'));
      await within(new Promise<void>((resolve, reject) => opened.connect((error) => (error ? reject(error) : resolve()))));
      await within(setupSession(opened));
      phase = 'query';
      const version = await within(
        new Promise<string>((resolve, reject) => {
          opened.query({ sql: 'SELECT VERSION()', rowsAsArray: true }, (error, rows) => (error ? reject(error) : resolve(String((rows as unknown[][])[0]?.[0] ?? ''))));
        }),
      );
      return { ok: true, serverVersion: version, latencyMs: performance.now() - started };
    } catch (error) {
      throw mapMysqlError(error, errorContext(phase, mysqlIdentity, phase === 'query' ? connection : undefined));
    } finally {
      clearTimeout(timer);
      if (onAbort) run.signal.removeEventListener('abort', onAbort);
      run.dispose();
      // A polite QUIT when the session is healthy; a dropped socket when it is not.
      if (connection) closeQuietly(connection);
    }
  }

  let closing: Promise<void> | undefined;
  return {
    execute,
    testConnection,
    poolStats: () => pools.stats(),
    close() {
      closing ??= (async () => {
        closeController.abort(new ConnectorError('CW_JOB_CANCELLED', `the MySQL data source ${options.dataSourceId} was closed`));
        await pools.close();
      })();
      return closing;
    },
  };
}

function closeQuietly(connection: Connection): void {
  const state = (connection as unknown as { state?: string }).state;
  if (state === 'authenticated') connection.end((error) => error && destroy(connection));
  else destroy(connection);
}
