// The Kerberos tests need MIT Kerberos (krb5-kdc, krb5-kdc-ldap, krb5-admin-server, krb5-user) and
// OpenLDAP (slapd, ldap-utils). They are part of the machine's contract: a missing one FAILS the test
// with a line saying which package to install; it never skips.
import { accessSync, constants } from 'node:fs';
import { findSlapdBinaries, type SlapdBinaries } from '../slapd/findSlapd.js';

/** Where the MIT Kerberos and OpenLDAP programs the test KDC runs are. */
export interface KerberosTools {
  krb5kdc: string;
  kdb5LdapUtil: string;
  kadminLocal: string;
  kinit: string;
  kvno: string;
  klist: string;
  ldapmodify: string;
  /** The Kerberos LDAP schema (slapd.conf format), gzipped as Debian ships it. */
  schemaGz: string;
  slapd: SlapdBinaries;
}

const candidates: Record<Exclude<keyof KerberosTools, 'slapd'>, { paths: string[]; pkg: string }> = {
  krb5kdc: { paths: ['/usr/sbin/krb5kdc', '/usr/local/sbin/krb5kdc'], pkg: 'krb5-kdc' },
  kdb5LdapUtil: { paths: ['/usr/sbin/kdb5_ldap_util', '/usr/local/sbin/kdb5_ldap_util'], pkg: 'krb5-kdc-ldap' },
  kadminLocal: { paths: ['/usr/sbin/kadmin.local', '/usr/local/sbin/kadmin.local'], pkg: 'krb5-admin-server' },
  kinit: { paths: ['/usr/bin/kinit', '/usr/local/bin/kinit'], pkg: 'krb5-user' },
  kvno: { paths: ['/usr/bin/kvno', '/usr/local/bin/kvno'], pkg: 'krb5-user' },
  klist: { paths: ['/usr/bin/klist', '/usr/local/bin/klist'], pkg: 'krb5-user' },
  ldapmodify: { paths: ['/usr/bin/ldapmodify', '/usr/local/bin/ldapmodify'], pkg: 'ldap-utils' },
  schemaGz: { paths: ['/usr/share/doc/krb5-kdc-ldap/kerberos.schema.gz'], pkg: 'krb5-kdc-ldap' },
};

function usable(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** The tools, or throws naming every missing one and its Debian package (`searched` replaces the default locations, for tests). */
export function requireKerberosTools(searched: Partial<Record<Exclude<keyof KerberosTools, 'slapd'>, string[]>> = {}): KerberosTools {
  const found: Partial<KerberosTools> = {};
  const missing: string[] = [];
  const where = Object.fromEntries(Object.entries(candidates).map(([name, c]) => [name, { ...c, paths: searched[name as keyof typeof searched] ?? c.paths }]));
  for (const [name, { paths, pkg }] of Object.entries(where) as [Exclude<keyof KerberosTools, 'slapd'>, { paths: string[]; pkg: string }][]) {
    const path = paths.find((p) => usable(p, name === 'schemaGz' ? constants.R_OK : constants.X_OK));
    if (path) found[name] = path;
    else missing.push(`${name} (Debian package ${pkg})`);
  }
  const slapd = findSlapdBinaries();
  if (!slapd) missing.push('slapd/slapadd/openssl (Debian packages slapd ldap-utils openssl)');
  else found.slapd = slapd;
  if (missing.length > 0) throw new Error(`the Kerberos tests require ${missing.join(', ')}; install them (apt-get install -y krb5-kdc krb5-kdc-ldap krb5-admin-server krb5-user slapd ldap-utils)`);
  return found as KerberosTools;
}
