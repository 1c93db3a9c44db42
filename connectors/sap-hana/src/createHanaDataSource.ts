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
import { abortError, createIdentityPools, createRunSignal, runOnLease, type IdentityPoolStats } from '@causeway/sdk/connectors';
import { createClientOptions } from './createClientOptions.js';
import type { HanaDriver } from './hanaDriver.js';
import { describeLogon, logonFor, requireHanaIdentity, type HanaIdentity } from './hanaLogon.js';
import { hanaSessionPool } from './hanaSessionPool.js';
import { defaultMaxLobBytes, defaultPort, maxFetchSize, type HanaSettings } from './hanaSettings.js';
import { isHanaAuthFailure, mapHanaError, type HanaErrorContext } from './mapHanaError.js';
import { closeHanaSession, openHanaSession, sessionClosedError, type HanaSession } from './openHanaSession.js';
import { streamHanaQuery } from './streamHanaQuery.js';

/** Options for opening an SAP HANA data source. */
export interface HanaDataSourceOptions {
  dataSourceId: string;
  limits: PoolLimits;
  logger: Logger;
  /** The driver boundary: hdb in production (loadHdbDriver), a fake in tests. */
  driver: HanaDriver;
}

/** An SAP HANA data source handle, with pool counts for diagnostics. */
export interface HanaDataSource extends DataSourceHandle {
  /** Sessions and pools held now, across identities. */
  poolStats(): IdentityPoolStats;
}

/** The statement `testConnection` runs: the cheapest round trip that also names the server version. */
export const testConnectionSql = 'SELECT VERSION FROM SYS.M_DATABASE';

/**
 * Opens an SAP HANA data source: nothing connects until the first query or test. Each password
 * identity gets a pool of sessions (hdb has none of its own); a SAML identity gets at most one
 * session, which lives only while jobs that presented that assertion use it (an assertion is
 * short-lived and meant for one logon, so it never backs an idle session).
 */
export async function createHanaDataSource(settings: HanaSettings, options: HanaDataSourceOptions): Promise<HanaDataSource> {
  const { limits, driver } = options;
  const logger = options.logger.child({ dataSourceId: options.dataSourceId });
  const clientOptions = await createClientOptions(settings, limits.connectTimeoutMs);
  const where = `${settings.host}:${settings.port ?? defaultPort}`;
  const maxLobBytes = settings.maxLobBytes ?? defaultMaxLobBytes;
  const closeController = new AbortController();

  const open = (identity: HanaIdentity): Promise<HanaSession> =>
    openHanaSession(driver, clientOptions, logonFor(identity), { connectTimeoutMs: limits.connectTimeoutMs, schema: settings.schema, logger });

  const pools = createIdentityPools<HanaIdentity, HanaSession>({
    limits,
    logger,
    product: 'SAP HANA',
    isAuthFailure: isHanaAuthFailure,
    createPool: (identity) =>
      hanaSessionPool({
        open: () => open(identity),
        close: (session, graceful) => closeHanaSession(session, graceful, limits.connectTimeoutMs),
        maxSessions: identity.kind === 'saml' ? 1 : limits.maxConnections,
        keepIdle: identity.kind !== 'saml',
        idleTimeoutMs: limits.idleTimeoutMs,
        logger,
      }),
  });

  const errorContext = (phase: HanaErrorContext['phase'], identity: HanaIdentity): HanaErrorContext => ({
    phase,
    where,
    databaseName: settings.databaseName,
    logon: describeLogon(identity),
    connectTimeoutMs: limits.connectTimeoutMs,
  });

  async function* execute(request: QueryRequest, identity: ConnectionIdentity): AsyncGenerator<ResultPart, void, undefined> {
    const hanaIdentity = requireHanaIdentity(identity);
    yield* runOnLease({
      request,
      closeSignal: closeController.signal,
      where,
      acquire: (signal) => pools.acquire(hanaIdentity, signal),
      connectError: (error) => mapHanaError(error, errorContext('connect', hanaIdentity)),
      run: (lease, { signal, stopped }) =>
        streamHanaQuery(lease, request, {
          signal,
          abortError: stopped,
            mapError: (error) => mapHanaError(error, errorContext('query', hanaIdentity)),
            fetchSize: Math.min(settings.fetchSize ?? Math.max(1, Math.floor(request.batchRows) || 1), maxFetchSize),
            maxLobBytes,
            decodeText: (bytes) => driver.decodeText(bytes),
            settleTimeoutMs: limits.connectTimeoutMs,
            logger,
        }),
    });
  }

  async function testConnection(identity: ConnectionIdentity, testOptions: { signal: AbortSignal }): Promise<TestConnectionResult> {
    const hanaIdentity = requireHanaIdentity(identity);
    const run = createRunSignal(testOptions.signal, closeController.signal, undefined);
    const started = performance.now();
    let session: HanaSession | undefined;
    let phase: HanaErrorContext['phase'] = 'connect';
    let onAbort: (() => void) | undefined;
    try {
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => {
          session?.client.destroy(sessionClosedError());
          reject(abortError(run.signal.reason, undefined, where));
        };
        if (run.signal.aborted) onAbort();
        else run.signal.addEventListener('abort', onAbort, { once: true });
      });
      aborted.catch(() => undefined);
      const opening = open(hanaIdentity);
      // A session that opens after an abort is closed at once.
      opening.then((late) => run.signal.aborted && late.client.destroy(sessionClosedError()), () => undefined);
      session = await Promise.race([opening, aborted]);
      phase = 'query';
      const client = session.client;
      const rows = await Promise.race([
        new Promise<unknown>((resolve, reject) => client.exec(testConnectionSql, (error, result) => (error ? reject(error) : resolve(result)))),
        aborted,
      ]);
      const version = Array.isArray(rows) && Array.isArray(rows[0]) ? rows[0][0] : undefined;
      return { ok: true, serverVersion: typeof version === 'string' ? `SAP HANA ${version}` : undefined, latencyMs: performance.now() - started };
    } catch (error) {
      if (run.signal.aborted) throw abortError(run.signal.reason, undefined, where);
      throw mapHanaError(error, errorContext(phase, hanaIdentity));
    } finally {
      if (onAbort) run.signal.removeEventListener('abort', onAbort);
      run.dispose();
      if (session) await closeHanaSession(session, !run.signal.aborted, limits.connectTimeoutMs);
    }
  }

  let closing: Promise<void> | undefined;
  return {
    execute,
    testConnection,
    poolStats: () => pools.stats(),
    close() {
      closing ??= (async () => {
        closeController.abort(new ConnectorError('CW_JOB_CANCELLED', `the SAP HANA data source ${options.dataSourceId} was closed`));
        await pools.close();
      })();
      return closing;
    },
  };
}
