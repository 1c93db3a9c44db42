import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CausewayError } from '@causeway/sdk';
import type { KerberosToolPaths } from './createTicketStore.js';

/**
 * Finds kinit, kvno and klist in `directory`, else on the PATH. Missing: CW_CONFIG_INVALID naming
 * the tool and the package that has it, so a host without them fails at start, not on a job.
 */
export function findKerberosTools(directory: string | undefined, path = process.env.PATH ?? ''): KerberosToolPaths {
  const folders = directory ? [directory] : [...path.split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  const find = (name: string): string => {
    for (const folder of folders) {
      const file = join(folder, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // next folder
      }
    }
    throw new CausewayError('CW_CONFIG_INVALID', `kerberos-kcd needs the MIT Kerberos tool "${name}" (Debian/Ubuntu package krb5-user, RHEL krb5-workstation) and it is not in ${directory ? `kerberosToolsDirectory ${directory}` : 'the PATH'}`, {
      location: { pointer: '/plugins/settings/kerberos-kcd/kerberosToolsDirectory' },
    });
  };
  return { kinit: find('kinit'), kvno: find('kvno'), klist: find('klist') };
}
