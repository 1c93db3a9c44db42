import { CausewayError, type Logger } from '@causeway/sdk';
import { raceAbort } from './abortReason.js';
import { classifyDirectoryError } from './classifyDirectoryError.js';
import { directoryBindDenied, directoryFailed, directoryUnreachable, unreachableReason, type DirectoryAttempt, type DirectoryPhase } from './directoryErrors.js';
import { DirectoryOperationError, openDirectorySession, type DirectoryEndpoint, type DirectorySession, type Ldapts } from './openDirectorySession.js';

/** One LDAP rule's directory: its URLs in order and its service account. */
export interface Directory {
  /** `rule 2 (ldap "corp")`. */
  label: string;
  endpoints: DirectoryEndpoint[];
  bindDn?: string;
  /** The service account's password, asked for each connection. */
  password(): Promise<string | undefined>;
  baseDn: string;
}

// Result codes that, on a bind, mean "this account may not log on like this".
const bindRefusals = new Set([7, 8, 13, 48, 49, 50, 53]);

function describe(phase: DirectoryPhase, directory: Directory): string {
  if (phase === 'bind') return `the bind as "${directory.bindDn}"`;
  if (phase === 'search') return `the search under "${directory.baseDn}"`;
  return phase === 'StartTLS' ? 'StartTLS' : 'the connection';
}

/**
 * Opens a session on the first URL that can be used (in order: a refused, unresolvable, timed-out,
 * TLS-failing, busy or lost server moves on to the next) and runs `work` on it. An LDAP error that
 * another server would repeat (bind refused, no such base DN) ends the attempt at once.
 */
export async function useDirectory<T>(
  ldapts: Ldapts,
  directory: Directory,
  logger: Logger,
  signal: AbortSignal,
  work: (session: DirectorySession) => Promise<T>,
): Promise<{ url: string; value: T }> {
  const attempts: DirectoryAttempt[] = [];
  let lastCause: unknown;
  for (const endpoint of directory.endpoints) {
    let bind: { dn: string; password: string } | undefined;
    if (directory.bindDn !== undefined) {
      const password = await raceAbort(directory.password(), signal);
      if (password === undefined || password === '') {
        // An empty password would be an "unauthenticated bind", which servers may accept as anonymous.
        throw new CausewayError('CW_CONFIG_INVALID', `${directory.label} has a bind DN but ${password === undefined ? 'no' : 'an empty'} bind password`);
      }
      bind = { dn: directory.bindDn, password };
    }
    let session: DirectorySession | undefined;
    try {
      session = await openDirectorySession(ldapts, endpoint, bind, signal);
      return { url: endpoint.url, value: await work(session) };
    } catch (error) {
      if (!(error instanceof DirectoryOperationError)) throw error;
      const classified = classifyDirectoryError(error.cause);
      if (classified.kind === 'network') {
        const budget = error.phase === 'connect' ? endpoint.connectTimeoutMs : endpoint.timeoutMs;
        const attempt = { url: endpoint.url, phase: error.phase, failure: classified.failure, reason: unreachableReason(classified, error.phase, budget) };
        attempts.push(attempt);
        lastCause = error.cause;
        logger.warn({ rule: directory.label, url: endpoint.url, phase: error.phase, failure: classified.failure }, `directory ${endpoint.url} ${attempt.reason}`);
        continue;
      }
      if (error.phase === 'bind' && classified.kind === 'result' && bindRefusals.has(classified.resultCode)) {
        throw directoryBindDenied(directory.label, endpoint.url, directory.bindDn ?? '', classified, error.cause);
      }
      throw directoryFailed(directory.label, endpoint.url, describe(error.phase, directory), classified, error.cause);
    } finally {
      await session?.close();
    }
  }
  throw directoryUnreachable(directory.label, attempts, lastCause);
}
