import { ConnectorError, isCausewayError, type CausewayError } from '@causeway/sdk';
import { classifyNetworkError, connectError, connectionLostError } from '@causeway/sdk/connectors';

/** Where an error happened, to name the server and user in the message. */
export interface PgErrorContext {
  /** `connect`: opening and authenticating a session; `query`: running a statement on an open one. */
  phase: 'connect' | 'query';
  host: string;
  port: number;
  database: string;
  user: string;
  connectTimeoutMs?: number;
}

/** The fields of a PostgreSQL ErrorResponse that pg puts on its DatabaseError. */
interface ServerError {
  message: string;
  code: string;
  severity: string;
  position?: string;
  detail?: string;
  hint?: string;
}

const timeoutMessages = /timeout expired|timeout exceeded when trying to connect|connection timeout/i;
const lostMessages = /connection terminated|connection ended|socket|not queryable/i;

/** True for an error the server sent (it carries a SQLSTATE), as opposed to a driver or network error. */
export function isServerError(error: unknown): error is ServerError {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as Error & { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/** True when the error means the session itself is gone or unusable, not just the statement. */
export function isSessionLost(error: unknown): boolean {
  if (!isServerError(error)) return true;
  // Class 08 and the 57P0x shutdown codes end the session.
  return error.code.startsWith('08') || /^57P0[1-3]$/.test(error.code);
}

/** The SQLSTATE of a server error, or undefined. */
export function sqlState(error: unknown): string | undefined {
  return isServerError(error) ? error.code : undefined;
}

/**
 * Maps a pg or network error to a coded connector error. Messages name the server, database and
 * user, never the password; the server's own message and SQLSTATE are kept for query errors.
 */
export function mapPgError(error: unknown, context: PgErrorContext): CausewayError {
  if (isCausewayError(error)) return error;
  const where = `${context.host}:${context.port}`;
  if (isServerError(error)) return mapServerError(error, context, where);
  const message = error instanceof Error ? error.message : String(error);
  const target = { product: 'PostgreSQL', where: `${where} (database "${context.database}")`, connectTimeoutMs: context.connectTimeoutMs };
  if (context.phase === 'connect') {
    return connectError(error, target, classifyNetworkError(error) ?? (timeoutMessages.test(message) ? 'timeout' : undefined));
  }
  if (classifyNetworkError(error) || lostMessages.test(message)) return connectionLostError(error, { product: 'PostgreSQL', where });
  return new ConnectorError('CW_QUERY_FAILED', `the PostgreSQL query on ${where} failed: ${message}`, { cause: error });
}

function mapServerError(error: ServerError, context: PgErrorContext, where: string): CausewayError {
  const details: Record<string, unknown> = {};
  if (error.position) details.position = Number(error.position);
  if (error.detail) details.detail = error.detail;
  if (error.hint) details.hint = error.hint;
  const options = { cause: error, serverCode: error.code, details };
  if (error.code === '28P01' || error.code === '28000') {
    return new ConnectorError(
      'CW_AUTH_DENIED',
      `authentication failed for user "${context.user}" on PostgreSQL at ${where} (database "${context.database}"): ${error.message}`,
      options,
    );
  }
  if (context.phase === 'connect') {
    return new ConnectorError('CW_CONNECT_FAILED', `could not connect to PostgreSQL at ${where} (database "${context.database}"): ${error.message} [${error.code}]`, options);
  }
  if (isSessionLost(error)) {
    return new ConnectorError('CW_CONNECTION_LOST', `lost the connection to PostgreSQL at ${where} during the query: ${error.message} [${error.code}]`, options);
  }
  const at = error.position ? ` at position ${error.position}` : '';
  return new ConnectorError('CW_QUERY_FAILED', `PostgreSQL error ${error.code}${at}: ${error.message}`, options);
}
