import { describe, expect, it } from 'vitest';
import { requireMariadbGssapi } from '../mariadb-gssapi/startMariadbGssapi.js';
import { requireKerberosTools } from './findKerberosTools.js';

describe('requireKerberosTools / requireMariadbGssapi', () => {
  it('finds every tool the Kerberos tests need on this machine (a missing one fails here, never skips)', () => {
    const tools = requireKerberosTools();
    expect(tools.krb5kdc).toMatch(/krb5kdc$/);
    expect(tools.kdb5LdapUtil).toMatch(/kdb5_ldap_util$/);
    expect(tools.slapd.slapd).toMatch(/slapd$/);
    expect(requireMariadbGssapi().pluginDir).toBeTruthy();
  });

  it('throws naming each missing tool and its Debian package', () => {
    expect(() => requireKerberosTools({ krb5kdc: ['/nonexistent/krb5kdc'], kdb5LdapUtil: ['/nonexistent/kdb5_ldap_util'] })).toThrow(
      /krb5kdc \(Debian package krb5-kdc\), kdb5LdapUtil \(Debian package krb5-kdc-ldap\)/,
    );
  });
});
