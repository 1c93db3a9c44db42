// A Causeway host with one data source of any connector, alone in its own process so its memory is
// not mixed with the relay's or the bench's. Started by lib/hostChild.mjs with child_process.fork;
// spoken to over IPC.
//
// argv: <relay ws url> <gateway id> <spec JSON: { dataSource: { id, connector, settings, username, password }, limits? }>
// IPC:  parent sends { id, type }; the child answers { id, ok, value } or { id, ok: false, error }.
//   keys       -> creates the key file, answers { publicKeyPem }  (the parent registers it with the relay)
//   start      -> starts the host (dials the relay), answers { rss }
//   resetPeak  -> collects garbage, answers the idle { rss, heapUsed } and starts a fresh peak
//   peak       -> answers { rssPeak, heapUsedPeak, heapTotalPeak, externalPeak, arrayBuffersPeak, spoolPeakBytes, samples,
//                 series, cpuUserMs, cpuSystemMs } since the last resetPeak; `series` is one
//                 { t, rss, heapUsed, heapTotal, external, arrayBuffers, spool } per second (ms since resetPeak, bytes)
//   stop       -> stops the host, deletes its temp folder, answers, then exits
import { createHost, createKeyFile, createLogger } from '@causeway/host';
import { encryptForGateway } from '@causeway/protocol';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SAMPLE_MS = 50;
const [relayWsUrl, gatewayId, specJson] = process.argv.slice(2);
if (!process.send || !relayWsUrl || !gatewayId || !specJson) {
  process.stderr.write('hostProcess.mjs is started by the bench (bench/lib/hostChild.mjs), not by hand\n');
  process.exit(2);
}
const { dataSource, limits } = JSON.parse(specJson);

// Warnings and errors only, on stderr (the parent passes stderr through).
const logger = createLogger({ level: 'warn', destination: process.stderr, name: 'bench-host' });
const collect = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;

let dir;
let keys;
let host;
const SERIES_EVERY_MS = 1000;
const emptyPeak = () => ({ rssPeak: 0, heapUsedPeak: 0, heapTotalPeak: 0, externalPeak: 0, arrayBuffersPeak: 0, spoolPeakBytes: 0, samples: 0, series: [] });
let peak = emptyPeak();
let resetAt = Date.now();
let cpuAtReset = process.cpuUsage();

// Bytes of the files under the data directory (the disk spool's segments live there): a handful of
// files, so a synchronous walk every sample costs little. Files vanish while we walk; they count as 0.
function folderBytes(folder) {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else {
      try {
        total += statSync(path).size;
      } catch {
        // deleted between readdir and stat
      }
    }
  }
  return total;
}

function sample() {
  const m = process.memoryUsage();
  // Each part peaks on its own: RSS minus the V8 heap minus external is what the allocator holds besides.
  if (m.rss > peak.rssPeak) peak.rssPeak = m.rss;
  if (m.heapUsed > peak.heapUsedPeak) peak.heapUsedPeak = m.heapUsed;
  if (m.heapTotal > peak.heapTotalPeak) peak.heapTotalPeak = m.heapTotal;
  if (m.external > peak.externalPeak) peak.externalPeak = m.external;
  if (m.arrayBuffers > peak.arrayBuffersPeak) peak.arrayBuffersPeak = m.arrayBuffers;
  let spool = 0;
  if (host && dir) {
    spool = folderBytes(join(dir, 'data'));
    if (spool > peak.spoolPeakBytes) peak.spoolPeakBytes = spool;
  }
  peak.samples++;
  const t = Date.now() - resetAt;
  if (t >= peak.series.length * SERIES_EVERY_MS) {
    peak.series.push({ t, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, spool });
  }
}
// Sampling runs from the start; unref so it never keeps the process alive on its own.
setInterval(sample, SAMPLE_MS).unref();

const handlers = {
  async keys() {
    dir = await mkdtemp(join(tmpdir(), 'causeway-bench-host-'));
    // Low scrypt cost: key derivation is not what this bench measures.
    keys = await createKeyFile(join(dir, 'keys.json'), 'bench recovery key 0123456789', { scrypt: { N: 1024, r: 8, p: 1 } });
    return { publicKeyPem: keys.publicKeyPem };
  },
  async start() {
    const config = {
      gatewayId,
      keyFile: join(dir, 'keys.json'),
      dataDirectory: join(dir, 'data'),
      relay: { transport: 'websocket', settings: { url: relayWsUrl } },
      // CAUSEWAY_BENCH_SPOOLER=memory runs the host with the memory spooler (default: disk), to see the disk's share.
      spooler: { plugin: process.env.CAUSEWAY_BENCH_SPOOLER ?? 'disk', mode: 'stream' },
      // CAUSEWAY_BENCH_PLUGIN_PATH=<folder> adds an external plugin folder (e.g. an earlier build of a spooler under
      // another id, named by CAUSEWAY_BENCH_SPOOLER), for before/after runs without swapping the built packages.
      ...(process.env.CAUSEWAY_BENCH_PLUGIN_PATH
        ? { plugins: { searchPaths: [process.env.CAUSEWAY_BENCH_PLUGIN_PATH], enabled: [process.env.CAUSEWAY_BENCH_SPOOLER ?? 'disk'] } }
        : {}),
      ...(limits ? { limits } : {}),
      dataSources: {
        [dataSource.id]: {
          connector: dataSource.connector,
          settings: dataSource.settings,
          auth: { provider: 'stored-credential', secret: encryptForGateway(keys.publicKeyPem, { username: dataSource.username, password: dataSource.password }) },
        },
      },
    };
    host = createHost({ config, baseDir: dir, keys, logger });
    await host.start();
    return { rss: process.memoryUsage().rss };
  },
  async resetPeak() {
    collect();
    const m = process.memoryUsage();
    resetAt = Date.now();
    peak = { ...emptyPeak(), rssPeak: m.rss, heapUsedPeak: m.heapUsed, heapTotalPeak: m.heapTotal, externalPeak: m.external, arrayBuffersPeak: m.arrayBuffers, samples: 1 };
    cpuAtReset = process.cpuUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
  },
  async peak() {
    sample();
    const cpu = process.cpuUsage(cpuAtReset);
    return { ...peak, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000 };
  },
  async stop() {
    await host?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    return {};
  },
};

process.on('message', (message) => {
  const { id, type } = message ?? {};
  const handler = handlers[type];
  const reply = handler ? handler() : Promise.reject(new Error(`unknown request "${type}"`));
  reply.then(
    (value) => {
      process.send({ id, ok: true, value });
      if (type === 'stop') process.disconnect();
    },
    (error) => process.send({ id, ok: false, error: `${error?.code ? `${error.code}: ` : ''}${error?.message ?? String(error)}` }),
  );
});

// The parent went away (crash or Ctrl-C): do not linger with an open relay connection.
process.on('disconnect', () => {
  void (async () => {
    await host?.stop().catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  })();
});
