import { ConnectorError, type ConnectorErrorCode } from '../errors.js';

/** What kind of network failure an error is, judged from Node's error codes and common driver messages. */
export type NetworkFailure = 'host-not-found' | 'refused' | 'timeout' | 'tls' | 'lost';

const byErrno: Record<string, NetworkFailure> = {
  ENOTFOUND: 'host-not-found',
  EAI_AGAIN: 'host-not-found',
  EAI_NONAME: 'host-not-found',
  ECONNREFUSED: 'refused',
  ENOENT: 'refused',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'timeout',
  ENETUNREACH: 'timeout',
  ECONNRESET: 'lost',
  EPIPE: 'lost',
  ECONNABORTED: 'lost',
  ERR_SOCKET_CLOSED: 'lost',
  ERR_STREAM_PREMATURE_CLOSE: 'lost',
};

const tlsCodes = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_|ERR_OSSL_)/;

/**
 * Classifies a network error by walking its `code`, `errno` and `cause` chain (drivers wrap socket
 * errors: tedious in ConnectionError, mssql in its own, oracledb in NJS-/ORA- errors). Returns
 * undefined when nothing in the chain looks like a network failure.
 */
export function classifyNetworkError(error: unknown): NetworkFailure | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const { code, errno, syscall } = current as { code?: unknown; errno?: unknown; syscall?: unknown };
    for (const candidate of [code, errno]) {
      if (typeof candidate !== 'string') continue;
      const known = byErrno[candidate];
      if (known) return known;
      if (tlsCodes.test(candidate)) return 'tls';
    }
    if (syscall === 'getaddrinfo') return 'host-not-found';
    // AggregateError from happy-eyeballs connects carries the real causes in `errors`.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      for (const inner of errors) {
        const found = classifyNetworkError(inner);
        if (found) return found;
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const codeFor: Record<NetworkFailure, ConnectorErrorCode> = {
  'host-not-found': 'CW_HOST_NOT_FOUND',
  refused: 'CW_CONNECT_REFUSED',
  timeout: 'CW_CONNECT_TIMEOUT',
  tls: 'CW_TLS_FAILED',
  lost: 'CW_CONNECT_FAILED',
};

const reasonFor: Record<NetworkFailure, string> = {
  'host-not-found': 'the host name does not resolve',
  refused: 'the connection was refused (nothing listens on that port)',
  timeout: 'timed out',
  tls: 'the TLS handshake failed',
  lost: 'the connection was closed during the handshake',
};

/** Where a connection went, for messages: never a password. */
export interface ConnectTarget {
  /** "PostgreSQL", "SQL Server". */
  product: string;
  /** "db.example.com:5432". */
  where: string;
  connectTimeoutMs?: number;
}

/**
 * The coded error for a failure to open a connection: CW_HOST_NOT_FOUND, CW_CONNECT_REFUSED,
 * CW_CONNECT_TIMEOUT, CW_TLS_FAILED or CW_CONNECT_FAILED. `failure` overrides the classification
 * when the driver reports it in its own way (e.g. a login timeout).
 */
export function connectError(error: unknown, target: ConnectTarget, failure = classifyNetworkError(error)): ConnectorError {
  const detail = error instanceof Error && error.message ? `: ${error.message}` : '';
  if (!failure) return new ConnectorError('CW_CONNECT_FAILED', `could not connect to ${target.product} at ${target.where}${detail}`, { cause: error });
  const reason = failure === 'timeout' && target.connectTimeoutMs ? `timed out after ${target.connectTimeoutMs} ms` : reasonFor[failure];
  return new ConnectorError(codeFor[failure], `could not connect to ${target.product} at ${target.where}: ${reason}${failure === 'tls' ? detail : ''}`, { cause: error });
}

/** The coded error for a connection that failed while a query ran (CW_CONNECTION_LOST). */
export function connectionLostError(error: unknown, target: Pick<ConnectTarget, 'product' | 'where'>): ConnectorError {
  const detail = error instanceof Error && error.message ? `: ${error.message}` : '';
  return new ConnectorError('CW_CONNECTION_LOST', `lost the connection to ${target.product} at ${target.where} during the query${detail}`, { cause: error });
}
