import { coreServices, defineConnector, type DataSourceHandle } from '@causeway/sdk';
import type { PostgresSettings } from './postgresSettings.js';

export type { PostgresSettings, PostgresSsl } from './postgresSettings.js';

/**
 * The PostgreSQL connector. pg is loaded when the first data source opens, so loading the plugin
 * costs nothing for gateways that do not use it.
 */
export default defineConnector<PostgresSettings, { logger: typeof coreServices.logger }>({
  deps: { logger: coreServices.logger },
  create({ logger }) {
    const open = new Set<DataSourceHandle>();
    return {
      async openDataSource(settings, { dataSourceId, limits }) {
        const { createPostgresDataSource } = await import('./createPostgresDataSource.js');
        const handle = await createPostgresDataSource(settings, { dataSourceId, limits, logger });
        open.add(handle);
        return {
          execute: (request, identity) => handle.execute(request, identity),
          testConnection: (identity, options) => handle.testConnection(identity, options),
          close: async () => {
            open.delete(handle);
            await handle.close();
          },
        };
      },
      async dispose() {
        const handles = [...open];
        open.clear();
        await Promise.all(handles.map((handle) => handle.close()));
      },
    };
  },
});
