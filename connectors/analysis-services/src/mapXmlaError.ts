import { ConnectorError, isCausewayError, type CausewayError } from '@causeway/sdk';
import { classifyNetworkError, connectError, connectionLostError } from '@causeway/sdk/connectors';
import { XmlaHttpError, XmlaProtocolError, XmlaServerError } from './xmlaErrors.js';

/** Where an error happened, to name the endpoint, catalog and user in the message. */
export interface XmlaErrorContext {
  /** `connect`: opening a session or a test connection; `query`: running a statement in an open session. */
  phase: 'connect' | 'query';
  /** `host:port` of the endpoint. */
  where: string;
  catalog: string | undefined;
  /** The user the requests log on as (for an effective-user identity: the service account). */
  user: string;
  /** The effective user, when the identity has one. */
  effectiveUser?: string;
  connectTimeoutMs?: number;
}

const product = 'Analysis Services';

/**
 * Maps what an XMLA exchange can fail with to a coded connector error. HTTP 401/403 →
 * CW_AUTH_DENIED; HTTP 5xx and 404 without a SOAP fault → CW_CONNECT_FAILED (the endpoint or the
 * server behind it is not available), with `HTTP <status>` as serverCode; a SOAP fault or an
 * in-band `<Exception>` → CW_QUERY_FAILED (CW_CONNECT_FAILED while opening the session) with the
 * server's ErrorCode as serverCode; network failures → the SDK's connect errors while connecting,
 * CW_CONNECTION_LOST during a query, as is a response cut short. Messages name the endpoint,
 * catalog and users, never a password.
 */
export function mapXmlaError(error: unknown, context: XmlaErrorContext): CausewayError {
  if (isCausewayError(error)) return error;
  const target = `${context.where}${context.catalog ? ` (catalog "${context.catalog}")` : ''}`;
  const as = `user "${context.user}"${context.effectiveUser ? ` acting for "${context.effectiveUser}"` : ''}`;

  if (error instanceof XmlaHttpError) {
    const serverCode = `HTTP ${error.status}`;
    if (error.status === 401 || error.status === 403) {
      return new ConnectorError('CW_AUTH_DENIED', `the ${product} endpoint at ${context.where} refused ${as} (${error.message})`, { cause: error, serverCode });
    }
    if (error.status >= 500 || error.status === 404) {
      return new ConnectorError('CW_CONNECT_FAILED', `the ${product} endpoint at ${target} is not available: it answered ${error.message}`, { cause: error, serverCode });
    }
    return new ConnectorError('CW_QUERY_FAILED', `the ${product} endpoint at ${target} answered ${error.message}`, { cause: error, serverCode });
  }

  if (error instanceof XmlaServerError) {
    const code = error.errorCode ? ` ${error.errorCode}` : '';
    const options = { cause: error, serverCode: error.errorCode, details: { xmlaErrorKind: error.kind } };
    if (context.phase === 'connect') {
      return new ConnectorError('CW_CONNECT_FAILED', `${product} at ${target} refused a session for ${as}: error${code}: ${error.message}`, options);
    }
    return new ConnectorError('CW_QUERY_FAILED', `${product} error${code}: ${error.message}`, options);
  }

  if (error instanceof XmlaProtocolError) {
    if (error.truncated) {
      return context.phase === 'connect'
        ? new ConnectorError('CW_CONNECT_FAILED', `could not open a session on ${product} at ${target}: ${error.message}`, { cause: error })
        : connectionLostError(error, { product, where: context.where });
    }
    return new ConnectorError('CW_QUERY_FAILED', `${product} at ${target}: ${error.message}`, { cause: error });
  }

  if (context.phase === 'connect') return connectError(error, { product, where: target, connectTimeoutMs: context.connectTimeoutMs });
  const message = error instanceof Error ? error.message : String(error);
  if (classifyNetworkError(error) || /aborted|socket hang up|premature close/i.test(message)) return connectionLostError(error, { product, where: context.where });
  return new ConnectorError('CW_QUERY_FAILED', `the ${product} query on ${target} failed: ${message}`, { cause: error });
}
