// A cold host start, measured from inside: started by workloads/startup.mjs with `node --import
// ./lib/recordModules.mjs startupProcess.mjs <config file> [--keys-held]`. Starts the host from its
// config file (opening the key file with its recovery key, discovering every built-in plugin, dialling
// the relay), then sends the parent { ready, marks, plugins, modules } over IPC and stops.
// --keys-held: the keys are opened first (timed apart, as marks.keysOpenedMs) and handed to createHost
// as an embedding service holding its keys would, so host.start() runs no scrypt.
// CAUSEWAY_BENCH_STARTUP_HOST=<path of another build's dist/index.js> starts that build instead of
// @causeway/host: a before/after comparison in one session.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

const marks = { processStartToScriptMs: performance.now() };
const { createHost, openKeyFile } = await import(process.env.CAUSEWAY_BENCH_STARTUP_HOST || '@causeway/host');
marks.hostImportedMs = performance.now();
const [configFile, variant] = process.argv.slice(2);
let keys;
if (variant === '--keys-held') {
  // The bench's config names keys.json and recovery.key beside it.
  const dir = dirname(configFile);
  keys = await openKeyFile(join(dir, 'keys.json'), (await readFile(join(dir, 'recovery.key'), 'utf8')).trim());
  marks.keysOpenedMs = performance.now();
}
const host = createHost(keys ? { configFile, keys } : { configFile });
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
