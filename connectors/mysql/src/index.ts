import { coreServices, defineConnector } from '@causeway/sdk';
import { trackDataSources } from '@causeway/sdk/connectors';
import type { MysqlSettings } from './mysqlSettings.js';

export type { MysqlSettings, MysqlSsl, MysqlCollation } from './mysqlSettings.js';

/**
 * The MySQL / MariaDB connector. mysql2 is loaded when the first data source opens, so loading the
 * plugin costs nothing for gateways that do not use it.
 */
export default defineConnector<MysqlSettings, { logger: typeof coreServices.logger }>({
  deps: { logger: coreServices.logger },
  create: ({ logger }) =>
    trackDataSources(async (settings, options) => {
      const { createMysqlDataSource } = await import('./createMysqlDataSource.js');
      return createMysqlDataSource(settings, { ...options, logger });
    }),
});
