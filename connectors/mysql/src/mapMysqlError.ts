import { ConnectorError, isCausewayError, type CausewayError } from '@causeway/sdk';
import { classifyNetworkError, connectError, connectionLostError, type NetworkFailure } from '@causeway/sdk/connectors';

/** Where an error happened, to name the server and user in the message. */
export interface MysqlErrorContext {
  /** `connect`: opening, authenticating and preparing a session; `query`: running a statement on an open one. */
  phase: 'connect' | 'query';
  host: string;
  port: number;
  database: string | undefined;
  user: string;
  /** "MariaDB" or "MySQL" once the handshake said which; "MySQL/MariaDB" before. */
  product?: string;
  connectTimeoutMs?: number;
}

/** The fields mysql2 puts on an error the server sent (an ERR packet). */
export interface MysqlServerError extends Error {
  errno: number;
  sqlState: string;
  sqlMessage: string;
  code?: string;
  fatal?: boolean;
}

// The server refused the identity: its pool is dropped and the client sees CW_AUTH_DENIED.
// 1044 (no access to the database) is included: the credentials were checked and this identity may
// not use this data source; another identity may.
const authDenied = new Set([
  1044, // ER_DBACCESS_DENIED_ERROR
  1045, // ER_ACCESS_DENIED_ERROR
  1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  1820, // ER_MUST_CHANGE_PASSWORD (the session logs on, then refuses every statement)
  1862, // ER_MUST_CHANGE_PASSWORD_LOGIN
  3118, // ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL)
  4151, // ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB)
]);

// The server ended the session, not just the statement.
const sessionEnded = new Set([
  1053, // ER_SERVER_SHUTDOWN
  1152, // ER_ABORTING_CONNECTION
  1927, // ER_CONNECTION_KILLED (MariaDB)
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
]);

/** ER_QUERY_INTERRUPTED: what a statement ends with after KILL QUERY. */
export const queryInterrupted = 1317;

/** ER_UNSUPPORTED_PS: the statement cannot be prepared (MySQL's list of preparable statements). */
export const unsupportedPreparedStatement = 1295;

/** True for an error the server sent, as opposed to a driver or network error. */
export function isServerError(error: unknown): error is MysqlServerError {
  if (!(error instanceof Error)) return false;
  const { errno, sqlState } = error as Error & { errno?: unknown; sqlState?: unknown };
  return typeof errno === 'number' && errno > 0 && typeof sqlState === 'string';
}

/** The server's error number, or undefined. */
export function serverErrno(error: unknown): number | undefined {
  return isServerError(error) ? error.errno : undefined;
}

/** True when a connect error means the server refused the identity (its pool is then dropped). */
export function isMysqlAuthFailure(error: unknown): boolean {
  const errno = serverErrno(error);
  return errno !== undefined && authDenied.has(errno);
}

/** True when the error leaves the session unusable: the network failed, or the server ended the session. */
export function isSessionLost(error: unknown): boolean {
  if (isServerError(error)) return error.fatal === true || sessionEnded.has(error.errno);
  return (error as { fatal?: unknown } | undefined)?.fatal === true || classifyNetworkError(error) !== undefined;
}

// mysql2's own codes for failures that are not socket errors.
const driverFailures: Record<string, NetworkFailure> = {
  HANDSHAKE_NO_SSL_SUPPORT: 'tls',
  HANDSHAKE_SSL_ERROR: 'tls',
  PROTOCOL_SEQUENCE_TIMEOUT: 'timeout',
};

/**
 * Maps a mysql2, server or network error to a coded connector error. Messages name the server,
 * database and user, never the password. `serverCode` is the server's error number (as text): it is
 * the same on MySQL and MariaDB for the shared errors, while the symbolic names differ between them
 * and mysql2 only knows MySQL's. The SQLSTATE goes to `details`.
 */
export function mapMysqlError(error: unknown, context: MysqlErrorContext): CausewayError {
  if (isCausewayError(error)) return error;
  // An auth plugin's coded error (Kerberos) arrives wrapped: mysql2 overwrites the code of what it is given.
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (isCausewayError(cause)) return cause;
  const product = context.product ?? 'MySQL/MariaDB';
  const where = `${context.host}:${context.port}`;
  const target = `${where}${context.database ? ` (database "${context.database}")` : ''}`;
  if (isServerError(error)) return mapServerError(error, context, product, where, target);
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  const failure = classifyNetworkError(error) ?? (typeof code === 'string' ? driverFailures[code] : undefined);
  if (context.phase === 'connect') {
    return connectError(error, { product, where: target, connectTimeoutMs: context.connectTimeoutMs }, failure);
  }
  if (failure || isSessionLost(error)) return connectionLostError(error, { product, where });
  return new ConnectorError('CW_QUERY_FAILED', `the ${product} query on ${where} failed: ${message}`, { cause: error });
}

function mapServerError(error: MysqlServerError, context: MysqlErrorContext, product: string, where: string, target: string): CausewayError {
  const serverCode = String(error.errno);
  const options = { cause: error, serverCode, details: { sqlState: error.sqlState, ...(error.code ? { errorName: error.code } : {}) } };
  const said = `${error.sqlMessage} [${error.errno}${error.sqlState ? `/${error.sqlState}` : ''}]`;
  if (authDenied.has(error.errno)) {
    return new ConnectorError('CW_AUTH_DENIED', `${product} at ${target} refused user "${context.user}": ${said}`, options);
  }
  if (context.phase === 'connect') {
    return new ConnectorError('CW_CONNECT_FAILED', `could not connect to ${product} at ${target}: ${said}`, options);
  }
  if (isSessionLost(error)) {
    return new ConnectorError('CW_CONNECTION_LOST', `lost the connection to ${product} at ${where} during the query: ${said}`, options);
  }
  return new ConnectorError('CW_QUERY_FAILED', `${product} error ${error.errno} (${error.sqlState}): ${error.sqlMessage}`, options);
}
