import { coreServices, defineAuthProvider } from '@causeway/sdk';
import { createKerberosKcdProvider } from './createKerberosKcdProvider.js';
import type { KerberosKcdDataSourceSettings, KerberosKcdSettings } from './kerberosKcdSettings.js';

export { createKerberosKcdProvider, type KerberosKcdProviderOptions } from './createKerberosKcdProvider.js';
export { toHostbasedService } from './toHostbasedService.js';
export type { KerberosKcdSettings, KerberosKcdDataSourceSettings } from './kerberosKcdSettings.js';

/** The kerberos-kcd auth provider: Kerberos constrained delegation (S4U2Self + S4U2Proxy) for the job's user. */
export default defineAuthProvider<KerberosKcdDataSourceSettings, { logger: typeof coreServices.logger; clock: typeof coreServices.clock; plugin: typeof coreServices.plugin }>({
  deps: { logger: coreServices.logger, clock: coreServices.clock, plugin: coreServices.plugin },
  create: ({ logger, clock, plugin }) => createKerberosKcdProvider(plugin.settings as unknown as KerberosKcdSettings, { logger, clock, dataDirectory: plugin.dataDirectory, baseDir: plugin.baseDir }),
});
