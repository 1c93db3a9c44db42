import { describe, expect, it } from 'vitest';
import { describeLogon, logonFor, requireHanaIdentity } from './hanaLogon.js';

describe('hanaLogon', () => {
  it('logs on with user and password, or with the SAML assertion alone', () => {
    expect(logonFor({ kind: 'password', username: 'KIT', password: 'pw' })).toEqual({ user: 'KIT', password: 'pw' });
    expect(logonFor({ kind: 'saml', assertion: '<Assertion/>' })).toEqual({ assertion: '<Assertion/>' });
  });

  it('describes the logon without its secret', () => {
    expect(describeLogon({ kind: 'password', username: 'KIT', password: 'pw-secret' })).toBe('user "KIT"');
    expect(describeLogon({ kind: 'saml', assertion: '<Assertion>secret</Assertion>' })).toBe('a SAML assertion');
  });

  it('refuses other identity kinds with CW_AUTH_MODE_UNSUPPORTED', () => {
    expect(requireHanaIdentity({ kind: 'saml', assertion: 'a' }).kind).toBe('saml');
    expect(() => requireHanaIdentity({ kind: 'kerberos', principal: 'p', credentialCache: 'FILE:/tmp/x', spn: 'x/y', createGssContext: () => Promise.reject(new Error('unused')) })).toThrow(
      expect.objectContaining({ code: 'CW_AUTH_MODE_UNSUPPORTED', message: expect.stringContaining('"kerberos"') }),
    );
  });
});
