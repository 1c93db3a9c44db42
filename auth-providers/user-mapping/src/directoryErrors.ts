import { AuthError } from '@causeway/sdk';
import type { DirectoryErrorClass } from './classifyDirectoryError.js';

/** A stage of talking to the directory, for messages. */
export type DirectoryPhase = 'connect' | 'StartTLS' | 'bind' | 'search';

/** One failed attempt on one URL. */
export interface DirectoryAttempt {
  url: string;
  phase: DirectoryPhase;
  failure: string;
  /** The reason, for people: "refused the connection (nothing listens on that port)". */
  reason: string;
}

// Keep error causes free of anything but the message and code: ldapts errors and sockets may hold
// request objects, and a cause is serialised by loggers.
function plainCause(error: unknown): Error | undefined {
  if (error === undefined) return undefined;
  const plain = new Error(error instanceof Error ? error.message : String(error));
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(plain, { code });
  return plain;
}

/** The reason text for a network failure in a phase, with the budget that ran out when it timed out. */
export function unreachableReason(classified: Extract<DirectoryErrorClass, { kind: 'network' }>, phase: DirectoryPhase, budgetMs: number): string {
  switch (classified.failure) {
    case 'refused':
      return 'refused the connection (nothing listens on that port)';
    case 'host-not-found':
      return 'the host name does not resolve';
    case 'timeout':
      return phase === 'connect' ? `did not accept the connection within ${budgetMs} ms` : `did not answer the ${phase} within ${budgetMs} ms`;
    case 'tls':
      return `the TLS handshake failed: ${classified.detail}`;
    case 'unavailable':
      return `is unavailable: ${classified.detail}`;
    default:
      return `closed the connection during the ${phase}`;
  }
}

/** CW_DIRECTORY_UNREACHABLE: no URL of the rule could be used. */
export function directoryUnreachable(label: string, attempts: DirectoryAttempt[], cause?: unknown): AuthError {
  const list = attempts.map((a) => `${a.url} ${a.reason}`).join('; ');
  return new AuthError('CW_DIRECTORY_UNREACHABLE', `cannot use the directory of ${label}: ${list}`, {
    cause: plainCause(cause),
    details: { attempts: attempts.map(({ url, phase, failure }) => ({ url, phase, failure })) },
  });
}

/** CW_DIRECTORY_BIND_DENIED: the directory refused the service account. */
export function directoryBindDenied(label: string, url: string, bindDn: string, classified: Extract<DirectoryErrorClass, { kind: 'result' }>, cause: unknown): AuthError {
  const diagnostic = classified.diagnostic ? `: ${classified.diagnostic}` : '';
  return new AuthError('CW_DIRECTORY_BIND_DENIED', `the directory at ${url} (${label}) refused the service account "${bindDn}": ${classified.resultName}${diagnostic}`, {
    cause: plainCause(cause),
    details: { url, bindDn, serverCode: String(classified.resultCode) },
  });
}

/** CW_DIRECTORY_FAILED: the directory answered a request with an error. */
export function directoryFailed(label: string, url: string, what: string, classified: Exclude<DirectoryErrorClass, { kind: 'network' }>, cause: unknown): AuthError {
  const reason = classified.kind === 'result' ? `${classified.resultName}${classified.diagnostic ? `: ${classified.diagnostic}` : ''}` : classified.detail;
  return new AuthError('CW_DIRECTORY_FAILED', `the directory at ${url} (${label}) failed ${what}: ${reason}`, {
    cause: plainCause(cause),
    details: { url, ...(classified.kind === 'result' ? { serverCode: String(classified.resultCode) } : {}) },
  });
}
