import { describe, expect, it } from 'vitest';
import { directoryBindDenied, directoryFailed, directoryUnreachable, unreachableReason } from './directoryErrors.js';

describe('directory errors', () => {
  it('CW_DIRECTORY_UNREACHABLE lists every URL tried and keeps only message and code of the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', request: { password: 'pw-SECRET' } });
    const error = directoryUnreachable(
      'rule 0 (ldap)',
      [
        { url: 'ldap://dc1:389', phase: 'connect', failure: 'refused', reason: 'refused the connection (nothing listens on that port)' },
        { url: 'ldap://dc2:389', phase: 'bind', failure: 'timeout', reason: 'did not answer the bind within 300 ms' },
      ],
      cause,
    );
    expect(error).toMatchObject({ name: 'AuthError', code: 'CW_DIRECTORY_UNREACHABLE', details: { attempts: [{ url: 'ldap://dc1:389', phase: 'connect', failure: 'refused' }, { url: 'ldap://dc2:389', phase: 'bind', failure: 'timeout' }] } });
    expect(error.message).toBe('cannot use the directory of rule 0 (ldap): ldap://dc1:389 refused the connection (nothing listens on that port); ldap://dc2:389 did not answer the bind within 300 ms');
    expect(error.cause).toMatchObject({ message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' });
    expect(JSON.stringify(Object.entries(error.cause as object))).not.toContain('pw-SECRET');
  });

  it('CW_DIRECTORY_BIND_DENIED names the URL, the bind DN and the server code', () => {
    const error = directoryBindDenied('rule 1 (ldap "corp")', 'ldaps://dc1:636', 'cn=svc,dc=x', { kind: 'result', resultCode: 49, resultName: 'invalidCredentials (49)', diagnostic: '' }, new Error('x'));
    expect(error).toMatchObject({ code: 'CW_DIRECTORY_BIND_DENIED', details: { url: 'ldaps://dc1:636', bindDn: 'cn=svc,dc=x', serverCode: '49' } });
    expect(error.message).toBe('the directory at ldaps://dc1:636 (rule 1 (ldap "corp")) refused the service account "cn=svc,dc=x": invalidCredentials (49)');
  });

  it('CW_DIRECTORY_FAILED carries the diagnostic', () => {
    const error = directoryFailed('rule 0 (ldap)', 'ldap://dc1', 'the search under "dc=x"', { kind: 'result', resultCode: 50, resultName: 'insufficientAccessRights (50)', diagnostic: 'no read access' }, undefined);
    expect(error).toMatchObject({ code: 'CW_DIRECTORY_FAILED', details: { serverCode: '50' } });
    expect(error.message).toBe('the directory at ldap://dc1 (rule 0 (ldap)) failed the search under "dc=x": insufficientAccessRights (50): no read access');
  });

  it('words timeouts by phase', () => {
    expect(unreachableReason({ kind: 'network', failure: 'timeout', detail: '' }, 'connect', 500)).toBe('did not accept the connection within 500 ms');
    expect(unreachableReason({ kind: 'network', failure: 'timeout', detail: '' }, 'search', 900)).toBe('did not answer the search within 900 ms');
    expect(unreachableReason({ kind: 'network', failure: 'tls', detail: 'self-signed certificate' }, 'StartTLS', 1)).toBe('the TLS handshake failed: self-signed certificate');
  });
});
