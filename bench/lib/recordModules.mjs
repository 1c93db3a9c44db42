// `node --import` hook for the startup workload: records the URL of every module the process loads
// (ES modules and CommonJS alike) in globalThis.__causewayBenchModules, so the workload can tell
// whether a database driver was loaded before any job needed it.
import * as nodeModule from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const seen = new Set();
globalThis.__causewayBenchModules = seen;

if (typeof nodeModule.registerHooks === 'function') {
  // Node 22.15+: synchronous in-thread hooks.
  nodeModule.registerHooks({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      seen.add(result.url);
      return result;
    },
  });
} else {
  // Node 20: hooks run on a separate thread and report each resolved URL through a port.
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => seen.add(url));
  port1.unref();
  nodeModule.register('./recordModulesHooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
}
