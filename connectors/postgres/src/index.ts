import { coreServices, defineConnector } from '@causeway/sdk';
import { trackDataSources } from '@causeway/sdk/connectors';
import type { PostgresSettings } from './postgresSettings.js';

export type { PostgresSettings, PostgresSsl } from './postgresSettings.js';

/**
 * The PostgreSQL connector. pg is loaded when the first data source opens, so loading the plugin
 * costs nothing for gateways that do not use it.
 */
export default defineConnector<PostgresSettings, { logger: typeof coreServices.logger }>({
  deps: { logger: coreServices.logger },
  create: ({ logger }) =>
    trackDataSources(async (settings, options) => {
      const { createPostgresDataSource } = await import('./createPostgresDataSource.js');
      return createPostgresDataSource(settings, { ...options, logger });
    }),
});
