import { type ErrorCode } from './errorCodes.js';

/** Where an error points: a file, a JSON pointer inside it, a field name. */
export interface ErrorLocation {
  file?: string;
  pointer?: string;
  field?: string;
}

/**
 * The base of every coded Causeway error. `message` must never contain a secret: it may reach logs
 * and, for job errors, the relay and the client.
 */
export class CausewayError extends Error {
  /** Stable code from the catalogue. */
  readonly code: ErrorCode;
  /** Where the problem is, when it is in a file or a document. */
  readonly location: ErrorLocation | undefined;
  /** Extra, non-secret facts (e.g. the server's own error code). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; location?: ErrorLocation; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CausewayError';
    this.code = code;
    this.location = options.location;
    this.details = options.details;
  }
}

/** The codes a connector may throw with. */
export type ConnectorErrorCode = Extract<
  ErrorCode,
  | 'CW_CONNECT_FAILED'
  | 'CW_HOST_NOT_FOUND'
  | 'CW_CONNECT_REFUSED'
  | 'CW_CONNECT_TIMEOUT'
  | 'CW_TLS_FAILED'
  | 'CW_CONNECTION_LOST'
  | 'CW_QUERY_FAILED'
  | 'CW_QUERY_TIMEOUT'
  | 'CW_JOB_CANCELLED'
  | 'CW_AUTH_DENIED'
  | 'CW_AUTH_MODE_UNSUPPORTED'
  | 'CW_RESULT_TOO_LARGE'
>;

/** An error a connector throws for a data-source problem; `serverCode` carries the server's own code (e.g. SQLSTATE). */
export class ConnectorError extends CausewayError {
  /** The data source's own error code, when it gave one. */
  readonly serverCode: string | undefined;

  constructor(
    code: ConnectorErrorCode,
    message: string,
    options: { cause?: unknown; serverCode?: string; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, {
      cause: options.cause,
      details: { ...options.details, ...(options.serverCode ? { serverCode: options.serverCode } : {}) },
    });
    this.name = 'ConnectorError';
    this.serverCode = options.serverCode;
  }
}

/** An error an auth provider throws when it cannot produce a connection identity. */
export class AuthError extends CausewayError {
  constructor(
    code: Extract<
      ErrorCode,
      | 'CW_AUTH_DENIED'
      | 'CW_CREDENTIALS_MISSING'
      | 'CW_AUTH_MODE_UNSUPPORTED'
      // user mapping
      | 'CW_USER_UNKNOWN'
      | 'CW_USER_AMBIGUOUS'
      | 'CW_DIRECTORY_UNREACHABLE'
      | 'CW_DIRECTORY_BIND_DENIED'
      | 'CW_DIRECTORY_FAILED'
      // single sign-on
      | 'CW_TOKEN_INVALID'
      | 'CW_TOKEN_EXCHANGE_FAILED'
      | 'CW_IDENTITY_PROVIDER_UNREACHABLE'
      | 'CW_DELEGATION_DENIED'
      | 'CW_KERBEROS_FAILED'
    >,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
    this.name = 'AuthError';
  }
}

/** True for any coded Causeway error, including ones from another copy of the SDK. */
export function isCausewayError(error: unknown): error is CausewayError {
  if (error instanceof CausewayError) return true;
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('CW_');
}
