import type { Logger } from '@causeway/sdk';
import type { Connection, ConnectionConfiguration } from 'tedious';
import { exactValuesOption } from './exactValues.js';
import type { Tedious } from './loadTedious.js';
import { LoginFailure, type ServerMessage } from './mapSqlServerError.js';

/** One logged-on tedious connection. */
export interface SqlSession {
  readonly connection: Connection;
  /** Set once the socket failed or the connection ended: the session is never reused. */
  broken: boolean;
}

/**
 * Opens and logs on one tedious connection. The connection is flagged for the connector's exact
 * value decoding before it reads a byte. A failed login rejects with a LoginFailure that keeps the
 * server's ERROR tokens (tedious itself keeps only the last message text, not the number).
 */
export function openSession(tedious: Tedious, config: ConnectionConfiguration, logger: Logger): Promise<SqlSession> {
  return new Promise<SqlSession>((resolve, reject) => {
    let connection: Connection;
    try {
      connection = new tedious.Connection(config);
    } catch (error) {
      reject(new LoginFailure(error, []));
      return;
    }
    (connection as unknown as { config: { options: Record<symbol, unknown> } }).config.options[exactValuesOption] = true;
    const session: SqlSession = { connection, broken: false };
    const serverErrors: ServerMessage[] = [];
    const onErrorMessage = (token: ServerMessage): void => {
      serverErrors.push({ number: token.number, state: token.state, class: token.class, message: token.message });
    };
    connection.on('errorMessage', onErrorMessage);
    // A socket failure outside a request is an 'error' event; without a listener it would crash the process.
    connection.on('error', (error: Error) => {
      session.broken = true;
      logger.debug({ err: { message: error.message, code: (error as { code?: unknown }).code } }, 'a SQL Server session failed');
    });
    connection.on('end', () => {
      session.broken = true;
    });
    connection.connect((error) => {
      connection.removeListener('errorMessage', onErrorMessage);
      if (error) {
        session.broken = true;
        connection.close();
        reject(new LoginFailure(error, serverErrors));
        return;
      }
      resolve(session);
    });
  });
}

/** Closes a session; resolves when tedious reports the end (or at once if it already ended). */
export function closeSession(session: SqlSession, waitMs = 5000): Promise<void> {
  const { connection } = session;
  session.broken = true;
  if ((connection as unknown as { closed?: boolean }).closed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    timer.unref();
    connection.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
    connection.close();
  });
}
