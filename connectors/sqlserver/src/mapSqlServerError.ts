import { ConnectorError, isCausewayError, type CausewayError } from '@causeway/sdk';
import { classifyNetworkError, connectError, connectionLostError } from '@causeway/sdk/connectors';

/** An ERROR token's fields as tedious reports them. */
export interface ServerMessage {
  number: number;
  state: number;
  class: number;
  message: string;
  lineNumber?: number;
  procName?: string;
}

/** A failed login: tedious's error plus the ERROR tokens the server sent during it (tedious keeps only the text). */
export class LoginFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly serverErrors: readonly ServerMessage[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'LoginFailure';
  }
}

/** Where an error happened, to name the server, database and user in messages (never a secret). */
export interface SqlServerErrorContext {
  /** `connect`: opening and logging on; `query`: running a statement on an open session. */
  phase: 'connect' | 'query';
  /** `host:port` or `host\instance`. */
  where: string;
  database: string;
  /** The login name, or a description of the identity (`an access token`). */
  user: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

// Login failures: 18456 login failed, 18452 untrusted domain, 18470 disabled, 18486 locked out,
// 18487/18488 password expired or must change, 4060 cannot open the requested database.
const loginRefusals = new Set([18456, 18452, 18470, 18486, 18487, 18488, 4060]);

function isServerMessage(error: unknown): error is Error & ServerMessage {
  return error instanceof Error && typeof (error as { number?: unknown }).number === 'number' && typeof (error as { class?: unknown }).class === 'number';
}

/** The server errors carried by an error: a tedious RequestError, an AggregateError of them, or a LoginFailure. */
export function serverMessages(error: unknown): ServerMessage[] {
  if (error instanceof LoginFailure) return [...error.serverErrors];
  if (isServerMessage(error)) return [error];
  if (error instanceof AggregateError) return error.errors.filter(isServerMessage);
  return [];
}

/** True when a connect error means SQL Server refused the identity (its pool is then dropped). */
export function isLoginRefused(error: unknown): boolean {
  if (serverMessages(error).some((m) => loginRefusals.has(m.number))) return true;
  return code(error instanceof LoginFailure ? error.cause : error) === 'ELOGIN';
}

function code(error: unknown): unknown {
  const direct = (error as { code?: unknown } | undefined)?.code;
  if (direct !== undefined) return direct;
  return (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
}

function details(m: ServerMessage, all: readonly ServerMessage[]): Record<string, unknown> {
  const out: Record<string, unknown> = { state: m.state, class: m.class };
  if (m.lineNumber) out.lineNumber = m.lineNumber;
  if (m.procName) out.procName = m.procName;
  if (all.length > 1) out.messages = all.map((x) => ({ number: x.number, state: x.state, class: x.class, message: x.message }));
  return out;
}

/**
 * Maps a tedious or network error to a coded connector error. Login refusals (18456 and kin) are
 * CW_AUTH_DENIED with the server's number as `serverCode`; other server errors are CW_QUERY_FAILED
 * with `serverCode` = the error number and the state and class in `details` (class 20 and above end
 * the session: CW_CONNECTION_LOST); network failures go through the SDK's connectError and
 * connectionLostError. Messages name the server, database and user, never a password or token.
 */
export function mapSqlServerError(error: unknown, context: SqlServerErrorContext): CausewayError {
  if (isCausewayError(error)) return error;
  const target = { product: 'SQL Server', where: `${context.where} (database "${context.database}")`, connectTimeoutMs: context.connectTimeoutMs };
  const messages = serverMessages(error);
  if (context.phase === 'connect') {
    const refusal = messages.find((m) => m.number === 4060) ?? messages.find((m) => loginRefusals.has(m.number));
    if (refusal) {
      return new ConnectorError('CW_AUTH_DENIED', `login failed for ${context.user} on SQL Server at ${context.where} (database "${context.database}"): ${refusal.message}`, {
        cause: error,
        serverCode: String(refusal.number),
        details: details(refusal, messages),
      });
    }
    const first = messages[0];
    if (first) {
      return new ConnectorError('CW_CONNECT_FAILED', `could not connect to SQL Server at ${context.where} (database "${context.database}"): ${first.message} [${first.number}]`, {
        cause: error,
        serverCode: String(first.number),
        details: details(first, messages),
      });
    }
    const inner = error instanceof LoginFailure ? error.cause : error;
    switch (code(inner)) {
      case 'ELOGIN':
        return new ConnectorError('CW_AUTH_DENIED', `login failed for ${context.user} on SQL Server at ${context.where} (database "${context.database}"): ${(inner as Error).message}`, { cause: error });
      case 'ETIMEOUT':
        return connectError(inner, target, 'timeout');
      case 'EENCRYPT':
        return connectError(inner, target, 'tls');
      default:
        return connectError(inner, target);
    }
  }
  const first = messages[0];
  if (first) {
    const options = { cause: error, serverCode: String(first.number), details: details(first, messages) };
    if (first.class >= 20) {
      return new ConnectorError('CW_CONNECTION_LOST', `lost the session on SQL Server at ${context.where}: ${first.message} [${first.number}]`, options);
    }
    return new ConnectorError('CW_QUERY_FAILED', `SQL Server error ${first.number} (state ${first.state}, class ${first.class}${first.lineNumber ? `, line ${first.lineNumber}` : ''}): ${first.message}`, options);
  }
  switch (code(error)) {
    case 'ETIMEOUT':
      return new ConnectorError('CW_QUERY_TIMEOUT', `SQL Server at ${context.where} sent no response within requestTimeoutMs (${context.requestTimeoutMs ?? 0} ms)`, { cause: error });
    case 'ECLOSE':
    case 'EINVALIDSTATE':
    case 'ESOCKET':
      return connectionLostError(error, { product: 'SQL Server', where: context.where });
    default:
      break;
  }
  if (classifyNetworkError(error)) return connectionLostError(error, { product: 'SQL Server', where: context.where });
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError('CW_QUERY_FAILED', `the SQL Server query on ${context.where} failed: ${message}`, { cause: error });
}
