// The LDAP tests need Debian's slapd (and slapadd, from the same package) and openssl. In CI a missing
// binary fails the run; on a developer machine the tests are skipped with one line saying what to install.
import { accessSync, constants } from 'node:fs';

/** Where the OpenLDAP and openssl binaries the test set-up runs are. */
export interface SlapdBinaries {
  slapd: string;
  slapadd: string;
  openssl: string;
}

const candidates = {
  slapd: ['/usr/sbin/slapd', '/usr/local/sbin/slapd', '/usr/libexec/slapd'],
  slapadd: ['/usr/sbin/slapadd', '/usr/local/sbin/slapadd'],
  openssl: ['/usr/bin/openssl', '/usr/local/bin/openssl'],
};

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binaries, or undefined when one is missing. */
export function findSlapdBinaries(): SlapdBinaries | undefined {
  const found: Partial<SlapdBinaries> = {};
  for (const [name, paths] of Object.entries(candidates) as [keyof SlapdBinaries, string[]][]) {
    const path = paths.find(executable);
    if (!path) return undefined;
    found[name] = path;
  }
  return found as SlapdBinaries;
}

/** The line a test file prints when it skips because slapd is missing. */
export const slapdSkipLine = 'skipped: install Debian packages slapd and ldap-utils (apt-get install -y slapd ldap-utils) to run the LDAP user-mapping tests';

/**
 * The binaries when present. Missing: throws when `CI=true` (a missing slapd is a failure there),
 * otherwise returns undefined so the caller can print `slapdSkipLine` and skip.
 */
export function requireSlapd(): SlapdBinaries | undefined {
  const binaries = findSlapdBinaries();
  if (!binaries && process.env.CI) {
    throw new Error('slapd, slapadd and openssl are required for the LDAP tests (CI=true: a missing binary is a failure); install the Debian packages slapd ldap-utils');
  }
  return binaries;
}
