import { coreServices, defineConnector } from '@causeway/sdk';
import { trackDataSources } from '@causeway/sdk/connectors';
import type { SqlServerSettings } from './sqlServerSettings.js';

export type { SqlServerSettings } from './sqlServerSettings.js';

/**
 * The SQL Server connector. tedious is loaded when the first data source opens, so
 * loading the plugin costs nothing for gateways that do not use it.
 */
export default defineConnector<SqlServerSettings, { logger: typeof coreServices.logger }>({
  deps: { logger: coreServices.logger },
  create: ({ logger }) =>
    trackDataSources(async (settings, options) => {
      const { createSqlServerDataSource } = await import('./createSqlServerDataSource.js');
      return createSqlServerDataSource(settings, { ...options, logger });
    }),
});
