import { performance } from 'node:perf_hooks';
import type { TestConnectionResult } from '@causeway/sdk';
import { isBreakError, isSessionLost, oracleServerCode } from './mapOracleError.js';
import type { OracleConnection, OracleConnectionAttributes, OracleDriver } from './oracleDriver.js';

/** What `testOracleConnection` needs. */
export interface TestOracleConnectionOptions {
  /** Aborts the test: a connect in progress is abandoned (the late session closed), a running query is broken. */
  signal: AbortSignal;
  /** The error to throw once `signal` has aborted. */
  abortError(): Error;
  /** Maps a driver error of the logon (`connect`) or of the test query (`query`) to a coded error. */
  mapError(error: unknown, phase: 'connect' | 'query'): Error;
  /** oracledb `callTimeout` for the test queries. */
  callTimeoutMs: number;
}

/** The server's description: the v$version banner when readable, and the version the server reported at logon. */
export async function describeOracleServer(connection: OracleConnection, outFormatArray: number): Promise<string> {
  let banner: unknown;
  try {
    const result = await connection.execute("SELECT banner FROM v$version WHERE banner LIKE 'Oracle%'", {}, { outFormat: outFormatArray });
    banner = result.rows?.[0]?.[0];
  } catch (error) {
    // v$version is not readable for every user (ORA-00942, ORA-01031): the cheapest round trip still
    // proves the session works. A break, a timeout or a lost session ends the test instead.
    if (isSessionLost(error) || isBreakError(error) || !oracleServerCode(error)?.startsWith('ORA-')) throw error;
    await connection.execute('SELECT 1 FROM DUAL', {}, { outFormat: outFormatArray });
  }
  const version = connection.oracleServerVersionString;
  return typeof banner === 'string' && banner !== '' ? `${banner} (${version})` : `Oracle Database ${version}`;
}

// Waits for the logon unless the signal aborts first; a session that arrives after the abort is closed.
function logon(driver: OracleDriver, attributes: OracleConnectionAttributes, signal: AbortSignal): Promise<OracleConnection> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    driver.getConnection(attributes).then(
      (opened) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) void opened.close().catch(() => undefined);
        else resolve(opened);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Opens a standalone session with `attributes` (not from a pool: a test must prove a fresh logon),
 * describes the server and closes the session.
 */
export async function testOracleConnection(driver: OracleDriver, attributes: OracleConnectionAttributes, options: TestOracleConnectionOptions): Promise<TestConnectionResult> {
  const { signal } = options;
  const started = performance.now();
  if (signal.aborted) throw options.abortError();
  let connection: OracleConnection;
  try {
    connection = await logon(driver, attributes, signal);
  } catch (error) {
    throw signal.aborted ? options.abortError() : options.mapError(error, 'connect');
  }
  const stop = (): void => void connection.break().catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  try {
    connection.callTimeout = options.callTimeoutMs;
    const serverVersion = await describeOracleServer(connection, driver.OUT_FORMAT_ARRAY);
    if (signal.aborted) throw options.abortError();
    return { ok: true, serverVersion, latencyMs: performance.now() - started };
  } catch (error) {
    throw signal.aborted ? options.abortError() : options.mapError(error, 'query');
  } finally {
    signal.removeEventListener('abort', stop);
    await connection.close().catch(() => undefined);
  }
}
