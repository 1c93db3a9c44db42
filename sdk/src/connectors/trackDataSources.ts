import type { Connector, DataSourceHandle, PoolLimits } from '../connector.js';

/**
 * Makes a connector from its `openDataSource`: the connector remembers every data source it opened
 * and `dispose()` (plugin unload) closes those still open. Pair it with a lazy `import()` inside
 * `open`, so the driver loads with the first data source and not with the plugin.
 */
export function trackDataSources<S>(open: (settings: S, options: { dataSourceId: string; limits: PoolLimits }) => Promise<DataSourceHandle>): Connector<S> {
  const handles = new Set<DataSourceHandle>();
  return {
    async openDataSource(settings, options) {
      const handle = await open(settings, options);
      handles.add(handle);
      return {
        execute: (request, identity) => handle.execute(request, identity),
        testConnection: (identity, testOptions) => handle.testConnection(identity, testOptions),
        close: async () => {
          handles.delete(handle);
          await handle.close();
        },
      };
    },
    async dispose() {
      const all = [...handles];
      handles.clear();
      await Promise.all(all.map((handle) => handle.close()));
    },
  };
}
