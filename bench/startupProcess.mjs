// A cold host start, measured from inside: started by workloads/startup.mjs with `node --import
// ./lib/recordModules.mjs startupProcess.mjs <config file>`. Starts the host from its config file
// (opening the key file with its recovery key, discovering every built-in plugin, dialling the
// relay), then sends the parent { ready, marks, plugins, modules } over IPC and stops.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const marks = { processStartToScriptMs: performance.now() };
const { createHost } = await import('@causeway/host');
marks.hostImportedMs = performance.now();
const [configFile] = process.argv.slice(2);
const host = createHost({ configFile });
try {
  await host.start();
  marks.readyMs = performance.now();
  let modules = null;
  if (globalThis.__causewayBenchModules) {
    // The loader thread posts URLs asynchronously: give the last ones a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const commonJs = Object.keys(createRequire(import.meta.url).cache).map((path) => `file://${path}`);
    modules = [...new Set([...globalThis.__causewayBenchModules, ...commonJs])];
  }
  process.send({ ok: true, marks, plugins: host.plugins().map((p) => ({ id: p.id, kind: p.kind, state: p.state })), modules });
} catch (error) {
  process.send({ ok: false, error: `${error?.code ? `${error.code}: ` : ''}${error?.message ?? error}` });
} finally {
  await host.stop().catch(() => undefined);
  process.disconnect();
}
