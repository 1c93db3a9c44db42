import { AuthError, CausewayError } from '@causeway/sdk';

/** What was being done when a Kerberos tool failed. */
export interface KerberosFailureContext {
  /** `gateway-tgt`: kinit with the keytab; `s4u`: S4U2Self + S4U2Proxy for a user. */
  step: 'gateway-tgt' | 's4u';
  gatewayPrincipal: string;
  keytab: string;
  user?: string;
  spn?: string;
}

// The tools' messages are MIT's error table texts; they name principals and files, never keys or
// tickets, so the last line is safe to pass on (and it is what an administrator searches for).
function lastLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.at(-1) ?? '').slice(0, 500);
}

/** Turns a failed kinit or kvno run (its stderr) into a coded error that says what to fix. */
export function classifyKerberosFailure(stderr: string, context: KerberosFailureContext): CausewayError {
  const said = lastLine(stderr);
  const details = { step: context.step, kerberosMessage: said, ...(context.spn ? { spn: context.spn } : {}) };
  const text = stderr.toLowerCase();
  if (context.step === 's4u' && (text.includes('constrained delegation failed') || text.includes("can't fulfill requested option") || text.includes('not allowed to delegate') || text.includes('evidence ticket'))) {
    return new CausewayError(
      'CW_DELEGATION_DENIED',
      `the KDC refused to delegate ${context.user} to "${context.spn}": the gateway principal ${context.gatewayPrincipal} must be allowed to delegate to that SPN (msDS-AllowedToDelegateTo / krbAllowedToDelegateTo) and to use any authentication protocol (ok_to_auth_as_delegate); KDC said: ${said}`,
      { details },
    );
  }
  if (context.step === 's4u' && /client .*not found|client not found/.test(text)) {
    return new AuthError('CW_USER_UNKNOWN', `the KDC does not know the principal ${context.user} (the user mapping's result); KDC said: ${said}`, { details });
  }
  if (/server .*not found|server not found/.test(text)) {
    const what = context.step === 's4u' ? `the SPN "${context.spn}" (check the data source's auth.settings.spn)` : `the gateway principal ${context.gatewayPrincipal}`;
    return new CausewayError('CW_KERBEROS_FAILED', `the KDC does not know ${what}; KDC said: ${said}`, { details });
  }
  if (context.step === 'gateway-tgt' && (text.includes('key table') || text.includes('keytab') || text.includes('no suitable keys') || text.includes('preauthentication failed') || text.includes('password incorrect') || text.includes('decrypt integrity'))) {
    return new CausewayError('CW_CONFIG_INVALID', `the keytab ${context.keytab} cannot log on as ${context.gatewayPrincipal} (missing entry or stale keys); Kerberos said: ${said}`, {
      details,
      location: { file: context.keytab, field: 'keytab' },
    });
  }
  if (text.includes('cannot contact any kdc') || text.includes('cannot find kdc') || text.includes('cannot resolve network address')) {
    return new CausewayError('CW_KERBEROS_FAILED', `no KDC for the realm could be reached (check krb5.conf and the network); Kerberos said: ${said}`, { details });
  }
  if (text.includes('clock skew')) {
    return new CausewayError('CW_KERBEROS_FAILED', `the gateway's clock differs too much from the KDC's (sync it with NTP); Kerberos said: ${said}`, { details });
  }
  const doing = context.step === 's4u' ? `getting a ticket for ${context.user} to "${context.spn}"` : `logging on as ${context.gatewayPrincipal} with the keytab`;
  return new CausewayError('CW_KERBEROS_FAILED', `Kerberos failed ${doing}: ${said || 'no message'}`, { details });
}
