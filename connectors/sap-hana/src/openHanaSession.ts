import type { Logger } from '@causeway/sdk';
import type { HanaClient, HanaClientOptions, HanaDriver, HanaLogon } from './hanaDriver.js';

/** One logged-on hdb client and what the connector knows about its state. */
export interface HanaSession {
  readonly client: HanaClient;
  /** Set once the socket failed or closed: the session must not be reused. */
  broken: boolean;
}

/** Options of `openHanaSession`. */
export interface OpenHanaSessionOptions {
  /** The whole of connecting, TLS, the protocol handshake, logon and SET SCHEMA must fit in this. */
  connectTimeoutMs: number;
  /** Default schema for the session (SET SCHEMA). */
  schema?: string;
  logger: Logger;
}

/** The error a session opening gets when it runs past `connectTimeoutMs` (classified as a connect timeout). */
export function connectTimeoutError(ms: number): Error {
  return Object.assign(new Error(`no SAP HANA session within ${ms} ms`), { code: 'ETIMEDOUT' });
}

/** The error a request in flight gets when the connector closes its session (hdb never answers one closed without an error). */
export function sessionClosedError(): Error {
  return Object.assign(new Error('the session was closed by the connector'), { code: 'ECONNABORTED' });
}

/** Quotes a HANA identifier ("a""b"). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Opens a client and logs on. hdb's own timeout covers only the protocol initialisation (not DNS,
 * a TLS handshake or the logon), so the whole opening is bounded here and the socket destroyed when
 * it runs late. The logon (password or assertion) is handed to `connect` only, never to the
 * client's options, so it is not kept on the client.
 */
export async function openHanaSession(driver: HanaDriver, clientOptions: HanaClientOptions, logon: HanaLogon, options: OpenHanaSessionOptions): Promise<HanaSession> {
  const client = driver.createClient(clientOptions);
  const session: HanaSession = { client, broken: false };
  client.on('error', (error) => {
    session.broken = true;
    options.logger.debug({ err: { message: error.message, code: (error as { code?: unknown }).code } }, 'an SAP HANA session failed');
  });
  client.on('close', () => {
    session.broken = true;
  });
  const deadline = Date.now() + options.connectTimeoutMs;
  try {
    await withDeadline(client, deadline, options.connectTimeoutMs, (done) => client.connect(logon, done));
    if (options.schema) {
      const sql = `SET SCHEMA ${quoteIdentifier(options.schema)}`;
      await withDeadline(client, deadline, options.connectTimeoutMs, (done) => client.exec(sql, done));
    }
    return session;
  } catch (error) {
    session.broken = true;
    client.destroy(sessionClosedError());
    throw error;
  }
}

function withDeadline(client: HanaClient, deadline: number, totalMs: number, start: (done: (error: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      const error = connectTimeoutError(totalMs);
      client.destroy(error);
      reject(error);
    }, Math.max(0, deadline - Date.now()));
    start((error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    });
  });
}

/**
 * Ends a session: gracefully (DISCONNECT once the queue is idle, so the server logs it off) or at
 * once (socket destroyed: the server ends the session and whatever statement it was running).
 * A graceful close that does not finish within `timeoutMs` falls back to destroying.
 */
export function closeHanaSession(session: HanaSession, graceful: boolean, timeoutMs: number): Promise<void> {
  if (!graceful || session.broken || session.client.readyState !== 'connected') {
    session.broken = true;
    session.client.destroy(sessionClosedError());
    return Promise.resolve();
  }
  session.broken = true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      session.client.destroy(sessionClosedError());
      resolve();
    }, timeoutMs);
    timer.unref();
    session.client.disconnect(() => {
      clearTimeout(timer);
      session.client.destroy(sessionClosedError());
      resolve();
    });
  });
}
