import { ConnectorError, isCausewayError, type CausewayError } from '@causeway/sdk';
import { classifyNetworkError, connectError, connectionLostError, type NetworkFailure } from '@causeway/sdk/connectors';
import type { HanaSqlError } from './hanaDriver.js';

/** Where an error happened, to name the server, database and user in the message. */
export interface HanaErrorContext {
  /** `connect`: opening and logging on a session; `query`: running a statement on an open one. */
  phase: 'connect' | 'query';
  /** host:port */
  where: string;
  databaseName?: string;
  /** `user "x"` or `a SAML assertion` (describeLogon), never a secret. */
  logon: string;
  connectTimeoutMs?: number;
}

/**
 * HANA error numbers that refuse a logon: 10 authentication failed, 414 the user must change the
 * password first, 416 the user is locked.
 */
const authFailureCodes = new Set([10, 414, 416]);

/** True for an error the server sent (hdb's SqlError: a numeric code and a SQLSTATE). */
export function isHanaSqlError(error: unknown): error is HanaSqlError {
  if (!(error instanceof Error)) return false;
  const { code, sqlState } = error as Error & { code?: unknown; sqlState?: unknown };
  return typeof code === 'number' && typeof sqlState === 'string';
}

/** True when a connect error means HANA refused the identity (its pool is then dropped). */
export function isHanaAuthFailure(error: unknown): boolean {
  return isHanaSqlError(error) && authFailureCodes.has(error.code);
}

/** True when the session cannot be used after this error (anything but a non-fatal server error). */
export function isSessionLost(error: unknown): boolean {
  return !isHanaSqlError(error) || error.fatal === true || error.level === 2;
}

// hdb reports a failed open as EHDBOPENCONN "Could not connect to any host: [ host:port - <cause> ]"
// and drops the socket error itself, so the cause is read back from the message.
const openFailures: Array<[RegExp, NetworkFailure]> = [
  [/ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo/, 'host-not-found'],
  [/ECONNREFUSED/, 'refused'],
  [/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|No initialization reply/, 'timeout'],
  [/SSL routines|certificate|TLS|self[- ]signed|CERT_|ERR_SSL|ERR_TLS/i, 'tls'],
  [/ECONNRESET|EPIPE|socket hang up|Connection closed|Invalid initialization reply/i, 'lost'],
];

/** Classifies an hdb connect failure: socket codes on the error (or its causes), else hdb's own codes and message. */
export function classifyHdbConnectError(error: unknown): NetworkFailure | undefined {
  const byCode = classifyNetworkError(error);
  if (byCode) return byCode;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'EHDBTIMEOUT') return 'timeout';
  if (typeof message !== 'string') return undefined;
  for (const [pattern, failure] of openFailures) if (pattern.test(message)) return failure;
  return code === 'EHDBOPENCONN' || code === 'EHDBINIT' || code === 'EHDBCLOSE' ? 'lost' : undefined;
}

/**
 * Maps an hdb or network error to a coded connector error. Messages name the server, database and
 * user, never the password or the assertion; the server's message and error number are kept.
 */
export function mapHanaError(error: unknown, context: HanaErrorContext): CausewayError {
  if (isCausewayError(error)) return error;
  const target = `${context.where}${context.databaseName ? ` (database "${context.databaseName}")` : ''}`;
  if (isHanaSqlError(error)) return mapSqlError(error, context, target);
  const message = error instanceof Error ? error.message : String(error);
  if (context.phase === 'connect') {
    return connectError(error, { product: 'SAP HANA', where: target, connectTimeoutMs: context.connectTimeoutMs }, classifyHdbConnectError(error));
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (classifyNetworkError(error) || (typeof code === 'string' && /^EHDB(CLOSE|OPENCONN|TIMEOUT|INIT|MSGPARSE)$/.test(code))) {
    return connectionLostError(error, { product: 'SAP HANA', where: context.where });
  }
  return new ConnectorError('CW_QUERY_FAILED', `the SAP HANA query on ${context.where} failed: ${message}`, { cause: error });
}

function mapSqlError(error: HanaSqlError, context: HanaErrorContext, target: string): CausewayError {
  const serverCode = String(error.code);
  const details: Record<string, unknown> = { sqlState: error.sqlState };
  if (typeof error.position === 'number' && error.position > 0) details.position = error.position;
  const options = { cause: error, serverCode, details };
  if (authFailureCodes.has(error.code)) {
    return new ConnectorError('CW_AUTH_DENIED', `SAP HANA at ${target} refused the logon of ${context.logon}: ${error.message} [${serverCode}]`, options);
  }
  if (context.phase === 'connect') {
    return new ConnectorError('CW_CONNECT_FAILED', `could not connect to SAP HANA at ${target} as ${context.logon}: ${error.message} [${serverCode}]`, options);
  }
  if (isSessionLost(error)) {
    return new ConnectorError('CW_CONNECTION_LOST', `lost the session to SAP HANA at ${context.where} during the query: ${error.message} [${serverCode}]`, options);
  }
  return new ConnectorError('CW_QUERY_FAILED', `SAP HANA error ${serverCode} (SQLSTATE ${error.sqlState}): ${error.message}`, options);
}
