import { coreServices, defineConnector } from '@causeway/sdk';
import { trackDataSources } from '@causeway/sdk/connectors';
import type { HanaSettings } from './hanaSettings.js';

export type { HanaSettings } from './hanaSettings.js';

/**
 * The SAP HANA connector. hdb is loaded when the first data source opens, so loading the plugin
 * costs nothing for gateways that do not use it.
 */
export default defineConnector<HanaSettings, { logger: typeof coreServices.logger }>({
  deps: { logger: coreServices.logger },
  create: ({ logger }) =>
    trackDataSources(async (settings, options) => {
      const [{ createHanaDataSource }, { loadHdbDriver }] = await Promise.all([import('./createHanaDataSource.js'), import('./loadHdbDriver.js')]);
      return createHanaDataSource(settings, { ...options, logger, driver: await loadHdbDriver() });
    }),
});
