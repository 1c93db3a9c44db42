import { coreServices, defineConnector } from '@causeway/sdk';
import { trackDataSources } from '@causeway/sdk/connectors';
import type { OracleSettings } from './oracleSettings.js';

export type { OracleSettings, OracleTls } from './oracleSettings.js';

/**
 * The Oracle connector (node-oracledb in thin mode: no Oracle Client libraries). The driver is
 * loaded when the first data source opens, so loading the plugin costs nothing for gateways that
 * do not use it.
 */
export default defineConnector<OracleSettings, { logger: typeof coreServices.logger }>({
  deps: { logger: coreServices.logger },
  create: ({ logger }) =>
    trackDataSources(async (settings, options) => {
      const [{ createOracleDataSource }, { loadOracleDriver }] = await Promise.all([import('./createOracleDataSource.js'), import('./loadOracleDriver.js')]);
      return createOracleDataSource(settings, { ...options, logger, driver: await loadOracleDriver(logger) });
    }),
});
