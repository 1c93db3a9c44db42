import { CausewayError, type DataSourceHandle, type Logger } from '@causeway/sdk';
import type { DataSourceConfig } from '@causeway/schemas';
import type { PluginRuntime } from '../plugins/pluginRuntime.js';

/** Opens data sources on first use (importing their connector then) and keeps their handles. */
export interface DataSourceRegistry {
  /** The configured data source, or `CW_DATASOURCE_UNKNOWN`. */
  config(id: string): DataSourceConfig;
  /** The open handle of a data source (opened, and its connector loaded, on first call). */
  handle(id: string): Promise<DataSourceHandle>;
  /** Ids of every configured data source. */
  ids(): string[];
  /** Closes every open handle. */
  close(): Promise<void>;
}

/** Creates the registry of one host. */
export function createDataSourceRegistry(options: {
  dataSources: Record<string, DataSourceConfig>;
  settings: Record<string, { connector: Record<string, unknown> }>;
  plugins: PluginRuntime;
  logger: Logger;
}): DataSourceRegistry {
  const handles = new Map<string, Promise<DataSourceHandle>>();
  const config = (id: string): DataSourceConfig => {
    const ds = Object.prototype.hasOwnProperty.call(options.dataSources, id) ? options.dataSources[id] : undefined;
    if (!ds) throw new CausewayError('CW_DATASOURCE_UNKNOWN', `this gateway has no data source "${id}"`, { location: { pointer: '/dataSource' } });
    return ds;
  };
  return {
    config,
    ids: () => Object.keys(options.dataSources),
    handle(id) {
      const ds = config(id);
      let handle = handles.get(id);
      if (!handle) {
        handle = (async () => {
          const connector = await options.plugins.use(ds.connector, 'connector');
          options.logger.info({ dataSource: id, connector: ds.connector }, 'opening data source');
          return connector.openDataSource(options.settings[id]?.connector ?? {}, {
            dataSourceId: id,
            limits: {
              maxConnections: ds.pool?.maxConnections ?? 10,
              idleTimeoutMs: ds.pool?.idleTimeoutMs ?? 30_000,
              connectTimeoutMs: ds.pool?.connectTimeoutMs ?? 15_000,
            },
          });
        })();
        // A failed open is not cached: the next job tries again.
        handle.catch(() => handles.delete(id));
        handles.set(id, handle);
      }
      return handle;
    },
    async close() {
      const open = [...handles.values()];
      handles.clear();
      await Promise.allSettled(open.map(async (h) => (await h).close()));
    },
  };
}
