import { classifyNetworkError, type NetworkFailure } from '@causeway/sdk/connectors';

/** Why a directory could not be used: a network failure (try the next URL) or an LDAP result code. */
export type DirectoryErrorClass =
  | { kind: 'network'; failure: NetworkFailure | 'unavailable'; detail: string }
  | { kind: 'result'; resultCode: number; resultName: string; diagnostic: string }
  | { kind: 'other'; detail: string };

/** RFC 4511 result names for the codes a lookup can meet. */
const resultNames: Record<number, string> = {
  1: 'operationsError',
  2: 'protocolError',
  3: 'timeLimitExceeded',
  4: 'sizeLimitExceeded',
  7: 'authMethodNotSupported',
  8: 'strongerAuthRequired',
  10: 'referral',
  11: 'adminLimitExceeded',
  12: 'unavailableCriticalExtension',
  13: 'confidentialityRequired',
  16: 'noSuchAttribute',
  17: 'undefinedAttributeType',
  18: 'inappropriateMatching',
  21: 'invalidAttributeSyntax',
  32: 'noSuchObject',
  34: 'invalidDNSyntax',
  48: 'inappropriateAuthentication',
  49: 'invalidCredentials',
  50: 'insufficientAccessRights',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
  80: 'other',
};

/** The name of an LDAP result code: `invalidCredentials (49)`. */
export function ldapResultName(code: number): string {
  return `${resultNames[code] ?? 'result'} (${code})`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Classifies what ldapts threw. ldapts reports LDAP results as errors with a numeric `code` (and the
 * server's diagnostic, followed by " Code: 0x.."), socket and TLS failures as Node errors, and its
 * own timeouts and closed connections as plain errors recognised by their message.
 */
export function classifyDirectoryError(error: unknown): DirectoryErrorClass {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number') {
    const diagnostic = messageOf(error).replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
    if (code === 51 || code === 52) return { kind: 'network', failure: 'unavailable', detail: `${ldapResultName(code)}${diagnostic ? `: ${diagnostic}` : ''}` };
    return { kind: 'result', resultCode: code, resultName: ldapResultName(code), diagnostic };
  }
  const message = messageOf(error);
  const network = classifyNetworkError(error);
  if (network) return { kind: 'network', failure: network, detail: message };
  if (/Connection timeout|Operation timed out/i.test(message)) return { kind: 'network', failure: 'timeout', detail: message };
  if (/Connection closed before message response|Socket error|socket hang up/i.test(message)) return { kind: 'network', failure: 'lost', detail: message.split('\n').pop() ?? message };
  return { kind: 'other', detail: message };
}
