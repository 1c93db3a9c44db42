import { ConnectorError, isCausewayError, type CausewayError } from '@causeway/sdk';
import { classifyNetworkError, connectError, connectionLostError, type NetworkFailure } from '@causeway/sdk/connectors';

/** Where an error happened, to name the server and user in the message. */
export interface OracleErrorContext {
  /** `connect`: opening and logging on a session; `query`: running a statement on an open one. */
  phase: 'connect' | 'query';
  host: string;
  port: number;
  serviceName: string;
  user: string;
  connectTimeoutMs?: number;
}

/** The fields node-oracledb puts on its errors: `code` (`ORA-00942`, `NJS-500`) and, for server errors, `errorNum`. */
interface DriverError extends Error {
  code: string;
  errorNum?: number;
  offset?: number;
}

/** Logon refusals: bad credentials, locked or expired account, no CREATE SESSION, null password. */
const authErrorNums = new Set([1017, 1005, 1045, 28000, 28001]);

/** Server errors that end the session; thin mode reports most of them as NJS-500 with the ORA number kept. */
const lostErrorNums = new Set([22, 28, 31, 45, 378, 600, 602, 603, 609, 1012, 1041, 1043, 1089, 1092, 2396, 3113, 3114, 3122, 3135, 12153, 12537, 12547, 12570, 12583, 27146, 28511, 56600]);

/** Driver errors that mean the connection is gone: closed, lost contact, end of file, invalid connection. */
const lostDriverCodes = new Set(['NJS-500', 'NJS-501', 'NJS-521', 'NJS-003']);

/** Connect failures reported by thin mode's network layer, by NJS code. */
const connectFailures: Record<string, NetworkFailure> = {
  'NJS-530': 'host-not-found',
  'NJS-510': 'timeout',
  'NJS-040': 'timeout',
  'NJS-505': 'tls',
  'NJS-506': 'tls',
  'NJS-507': 'tls',
  'NJS-508': 'tls',
  'NJS-500': 'lost',
  'NJS-521': 'lost',
};

/** NJS-503 wraps the socket error only in its message ("connect ECONNREFUSED 127.0.0.1:1"). */
const socketErrno: Array<[RegExp, NetworkFailure]> = [
  [/\bECONNREFUSED\b/, 'refused'],
  [/\b(ENOTFOUND|EAI_AGAIN|EAI_NONAME)\b/, 'host-not-found'],
  [/\b(ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/, 'timeout'],
  [/\b(ECONNRESET|EPIPE)\b/, 'lost'],
];

/** True for an error raised by node-oracledb (it carries an `ORA-`, `NJS-` or `DPI-` code). */
export function isDriverError(error: unknown): error is DriverError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && /^(ORA|NJS|DPI)-\d+$/.test((error as DriverError).code);
}

/**
 * The code to report as `serverCode`: `ORA-nnnnn` whenever the server gave an error number (also
 * when thin mode wrapped it, e.g. ORA-03113 inside NJS-500), the driver's `NJS-nnn` otherwise.
 */
export function oracleServerCode(error: unknown): string | undefined {
  if (!isDriverError(error)) return undefined;
  if (typeof error.errorNum === 'number' && error.errorNum > 0) return `ORA-${String(error.errorNum).padStart(5, '0')}`;
  return error.code;
}

/** True for ORA-01013: the statement was interrupted by `connection.break()`. */
export function isBreakError(error: unknown): boolean {
  return isDriverError(error) && (error.errorNum === 1013 || error.code === 'ORA-01013');
}

/** True when the error means the session itself is gone or unusable, not just the statement. */
export function isSessionLost(error: unknown): boolean {
  if (isCausewayError(error)) return false;
  if (!isDriverError(error)) return classifyNetworkError(error) !== undefined;
  return lostDriverCodes.has(error.code) || (typeof error.errorNum === 'number' && lostErrorNums.has(error.errorNum));
}

/** True when Oracle refused the logon (the identity's pool is then dropped). */
export function isOracleAuthFailure(error: unknown): boolean {
  return isDriverError(error) && typeof error.errorNum === 'number' && authErrorNums.has(error.errorNum);
}

// The server's message without the code prefix thin mode puts first and the help link it appends.
function serverMessage(error: Error): string {
  const firstLine = error.message.split('\n').find((line) => line.trim() !== '' && !line.startsWith('Help:')) ?? error.message;
  return firstLine.replace(/^(ORA|NJS|DPI)-\d+:\s*/, '');
}

function connectFailure(error: unknown): NetworkFailure | undefined {
  if (!isDriverError(error)) return classifyNetworkError(error);
  const known = connectFailures[error.code];
  if (known) return known;
  if (error.code === 'NJS-503') return socketErrno.find(([pattern]) => pattern.test(error.message))?.[1];
  return classifyNetworkError(error);
}

// NJS-518/519/511 carry the listener's refusal; report it as the ORA code the listener sent.
function listenerCode(error: DriverError): string | undefined {
  if (error.code === 'NJS-518') return 'ORA-12514';
  if (error.code === 'NJS-519') return 'ORA-12505';
  if (error.code === 'NJS-511') return /\bORA-(\d{5})\b/.exec(error.message)?.[0];
  return undefined;
}

/**
 * Maps a node-oracledb or network error to a coded connector error. Messages name the server,
 * service and user, never the password; server errors keep Oracle's message and `ORA-` code.
 */
export function mapOracleError(error: unknown, context: OracleErrorContext): CausewayError {
  if (isCausewayError(error)) return error;
  const where = `${context.host}:${context.port}`;
  const target = `${where} (service "${context.serviceName}")`;
  const serverCode = oracleServerCode(error);
  if (isOracleAuthFailure(error)) {
    return new ConnectorError('CW_AUTH_DENIED', `Oracle at ${target} refused the logon of user "${context.user}": ${serverMessage(error as Error)}`, { cause: error, serverCode });
  }
  if (context.phase === 'connect') {
    const failure = connectFailure(error);
    if (failure) return connectError(error, { product: 'Oracle', where: target, connectTimeoutMs: context.connectTimeoutMs }, failure);
    const message = error instanceof Error ? serverMessage(error) : String(error);
    const code = isDriverError(error) ? (listenerCode(error) ?? serverCode) : undefined;
    return new ConnectorError('CW_CONNECT_FAILED', `could not connect to Oracle at ${target} as "${context.user}": ${message}${code ? ` [${code}]` : ''}`, {
      cause: error,
      serverCode: code,
    });
  }
  if (isSessionLost(error)) {
    const lost = connectionLostError(error, { product: 'Oracle', where });
    return serverCode ? new ConnectorError('CW_CONNECTION_LOST', lost.message, { cause: error, serverCode }) : lost;
  }
  if (!isDriverError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new ConnectorError('CW_QUERY_FAILED', `the Oracle query on ${where} failed: ${message}`, { cause: error });
  }
  if (error.code === 'NJS-123') {
    return new ConnectorError('CW_QUERY_TIMEOUT', `the Oracle query on ${where} ran past the data source's statement timeout: ${serverMessage(error)}`, { cause: error, serverCode });
  }
  const details: Record<string, unknown> = {};
  if (typeof error.offset === 'number' && error.offset > 0) details.offset = error.offset;
  const at = details.offset !== undefined ? ` at offset ${error.offset}` : '';
  return new ConnectorError('CW_QUERY_FAILED', `Oracle error ${serverCode}${at}: ${serverMessage(error)}`, { cause: error, serverCode, details });
}
