import { createKeyFile } from '@causeway/host';
import { encryptForGateway } from '@causeway/protocol';
import { createRelayServer } from '@causeway/relay';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mariadbConfig } from '../lib/mariadb.mjs';
import { pgConfig } from '../lib/postgres.mjs';
import { machineInfo, formatTable } from '../lib/report.mjs';
import { round, summarizeRounded } from '../lib/stats.mjs';
import { reportHeader } from '../lib/throughputRuns.mjs';

const SCRIPT = fileURLToPath(new URL('../startupProcess.mjs', import.meta.url));
const RECORD_MODULES = fileURLToPath(new URL('../lib/recordModules.mjs', import.meta.url));
const TARGET_MS = 300;
// Packages that talk to a database server: none may load before a job of its data source runs.
const DRIVERS = ['pg', 'pg-cursor', 'pg-protocol', 'mysql2', 'oracledb', 'tedious', 'hdb', '@sap/hana-client', 'mssql', 'saxes'];

function startOnce(configFile, recordModules, keysHeld = false) {
  const started = performance.now();
  // CAUSEWAY_BENCH_STARTUP_CPU_PROF=<folder> writes a CPU profile of each timed start there.
  const profile = process.env.CAUSEWAY_BENCH_STARTUP_CPU_PROF;
  // CAUSEWAY_BENCH_STARTUP_FLAGS="--max-semi-space-size=16 ..." adds Node flags to every start (tuning experiments).
  const extraFlags = (process.env.CAUSEWAY_BENCH_STARTUP_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const execArgv = [...extraFlags, ...(recordModules ? ['--import', RECORD_MODULES] : profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])];
  const child = fork(SCRIPT, keysHeld ? [configFile, '--keys-held'] : [configFile], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let answer;
    child.once('message', (message) => {
      answer = { ...message, spawnToReadyMs: performance.now() - started };
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answer) reject(new Error(`the startup child exited with ${code} before it was ready`));
      else if (!answer.ok) reject(new Error(`the host did not start: ${answer.error}`));
      else resolve(answer);
    });
  });
}

/** How many of the loaded modules each package (or workspace folder, or `node:`) contributed, most first. */
export function modulesByPackage(urls) {
  const counts = {};
  for (const url of urls) {
    const key = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? (url.startsWith('node:') ? 'node:' : url.replace(/^file:\/\/.*?\/((?:host|sdk|protocol|relay|connectors|auth-providers|spoolers|transports|bench)(?:\/[^/]+)?).*$/, '$1'));
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

/** Which driver packages a list of module URLs holds. */
export function driversIn(urls) {
  const found = new Set();
  for (const url of urls) {
    for (const driver of DRIVERS) if (url.includes(`/node_modules/${driver}/`)) found.add(driver);
  }
  return [...found].sort();
}

/** One timed start's figures; `keysHeld`: the keys were opened before createHost (timed apart, left out of `spawnToReadyMs`). */
function phases(r, keysHeld) {
  const keysOpenMs = keysHeld ? r.marks.keysOpenedMs - r.marks.hostImportedMs : 0;
  return {
    spawnToReadyMs: round(r.spawnToReadyMs - keysOpenMs, 1),
    nodeBootMs: round(r.marks.processStartToScriptMs, 1),
    importHostMs: round(r.marks.hostImportedMs - r.marks.processStartToScriptMs, 1),
    ...(keysHeld ? { keysOpenMs: round(keysOpenMs, 1) } : {}),
    hostStartMs: round(r.marks.readyMs - (keysHeld ? r.marks.keysOpenedMs : r.marks.hostImportedMs), 1),
  };
}

/**
 * Cold start of a host process from its config file to ready (every built-in plugin discovered,
 * key file opened with its recovery key at the default scrypt cost, relay connection authenticated),
 * measured from spawn in the parent. Two data sources (PostgreSQL and MariaDB) are configured but
 * not used: no driver may be loaded. Each run times two starts side by side: A opens the key file
 * (scrypt N = 2^15) inside host.start(); B is given keys already opened, as an embedding service
 * holding its keys would (its key opening is timed apart: the scrypt share). One more start, with a
 * module-recording hook, lists what got loaded.
 */
export const startup = {
  name: 'startup',
  summary: 'host cold start, spawn -> ready (relay connected), every built-in plugin discovered; driver modules loaded (must be none); target <= 300 ms',
  options: { runs: { default: 10, integer: true, min: 1 } },

  async run(options, log) {
    const startedAt = new Date().toISOString();
    const machine = machineInfo();
    const dir = await mkdtemp(join(tmpdir(), 'causeway-bench-startup-'));
    const token = randomBytes(16).toString('hex');
    const relay = createRelayServer({ clientTokens: [token] });
    await relay.start();
    const runs = [];
    let recorded;
    let config;
    try {
      const recoveryKey = 'bench startup recovery key 0123456789';
      await writeFile(join(dir, 'recovery.key'), `${recoveryKey}\n`, { mode: 0o600 });
      // The default scrypt cost, as `causeway keys init` makes it: opening the key file is part of a real start.
      const keys = await createKeyFile(join(dir, 'keys.json'), recoveryKey);
      const gatewayId = `bench-startup-${randomBytes(3).toString('hex')}`;
      relay.registerGateway(gatewayId, keys.publicKeyPem);
      const secret = (username, password) => encryptForGateway(keys.publicKeyPem, { username, password });
      config = {
        gatewayId,
        keyFile: 'keys.json',
        recoveryKeyFile: 'recovery.key',
        dataDirectory: 'data',
        log: { level: 'warn' },
        relay: { transport: 'websocket', settings: { url: relay.wsUrl } },
        spooler: { plugin: 'disk', mode: 'stream' },
        dataSources: {
          pg: { connector: 'postgres', settings: { host: pgConfig.host, port: pgConfig.port, database: pgConfig.database }, auth: { provider: 'stored-credential', secret: secret(pgConfig.user, 'x') } },
          mariadb: { connector: 'mysql', settings: { host: mariadbConfig.host, port: mariadbConfig.port, database: mariadbConfig.database }, auth: { provider: 'stored-credential', secret: secret(mariadbConfig.user, 'x') } },
        },
      };
      const configFile = join(dir, 'gateway.config.json');
      await writeFile(configFile, JSON.stringify(config, null, 2));
      for (let run = 1; run <= options.runs; run++) {
        const a = phases(await startOnce(configFile, false), false);
        const b = phases(await startOnce(configFile, false, true), true);
        runs.push({ run, keyFileOpenedAtStart: a, keysHeld: b });
        log(`run ${run}/${options.runs}  A key file: spawn -> ready ${a.spawnToReadyMs} ms (node boot ${a.nodeBootMs}, import ${a.importHostMs}, host.start ${a.hostStartMs})`);
        log(`run ${run}/${options.runs}  B keys held: spawn -> ready ${b.spawnToReadyMs} ms (node boot ${b.nodeBootMs}, import ${b.importHostMs}, host.start ${b.hostStartMs}; keys opened before: ${b.keysOpenMs})`);
      }
      recorded = await startOnce(configFile, true);
    } finally {
      await relay.stop();
      await rm(dir, { recursive: true, force: true });
    }
    const over = (field, variant = 'keyFileOpenedAtStart') => summarizeRounded(runs.map((r) => r[variant][field]), 1);
    const total = over('spawnToReadyMs');
    const held = over('spawnToReadyMs', 'keysHeld');
    const drivers = driversIn(recorded.modules ?? []);
    return {
      ...reportHeader('startup', startedAt, machine, options),
      hostModule: process.env.CAUSEWAY_BENCH_STARTUP_HOST || '@causeway/host',
      description: 'fork(node startupProcess.mjs config) -> createHost({ configFile }).start() resolves (keys opened, plugins discovered, config checked, spooler and transport loaded, relay handshake done); keysHeld: the same with keys opened before createHost, their opening left out',
      spawnToReadyMs: total,
      phasesMs: { nodeBoot: over('nodeBootMs'), importHost: over('importHostMs'), hostStart: over('hostStartMs') },
      keysHeld: {
        spawnToReadyMs: held,
        phasesMs: { nodeBoot: over('nodeBootMs', 'keysHeld'), importHost: over('importHostMs', 'keysHeld'), keysOpen: over('keysOpenMs', 'keysHeld'), hostStart: over('hostStartMs', 'keysHeld') },
        // Within each run: A's spawn -> ready minus B's; the key file's share of a start.
        keyFileShareMs: summarizeRounded(runs.map((r) => r.keyFileOpenedAtStart.spawnToReadyMs - r.keysHeld.spawnToReadyMs), 1),
      },
      plugins: recorded.plugins,
      pluginsDiscovered: recorded.plugins.length,
      pluginsDisabledForBench: config.plugins?.disabled ?? [],
      modulesLoaded: recorded.modules?.length ?? null,
      modulesByPackage: recorded.modules ? modulesByPackage(recorded.modules) : null,
      driversLoaded: drivers,
      target: { spawnToReadyMs: TARGET_MS, met: total.median <= TARGET_MS, metWithKeysHeld: held.median <= TARGET_MS, driversLoadedMustBe: [] },
      runs,
    };
  },

  format(report) {
    const cell = (x) => `${x.median} [${x.min}, ${x.max}]`;
    const m = report.machine;
    const active = report.plugins.filter((p) => p.state === 'active').map((p) => p.id);
    return [
      `startup: ${report.options.runs} cold starts of ${report.hostModule}  (${m.cpus} cpus, load at start ${m.loadAverage.join(' ')}, at end ${m.loadAverageAtEnd.join(' ')})`,
      '',
      formatTable([
        ['ms, median [min, max]', 'value'],
        ['A key file opened at start: spawn -> ready', cell(report.spawnToReadyMs)],
        ['  node boot', cell(report.phasesMs.nodeBoot)],
        ['  import @causeway/host', cell(report.phasesMs.importHost)],
        ['  host.start()', cell(report.phasesMs.hostStart)],
        ['B keys held: spawn -> ready (key opening left out)', cell(report.keysHeld.spawnToReadyMs)],
        ['  node boot', cell(report.keysHeld.phasesMs.nodeBoot)],
        ['  import @causeway/host', cell(report.keysHeld.phasesMs.importHost)],
        ['  host.start()', cell(report.keysHeld.phasesMs.hostStart)],
        ['  (keys opened before createHost)', cell(report.keysHeld.phasesMs.keysOpen)],
        ['A - B within a run (the key file\'s share)', cell(report.keysHeld.keyFileShareMs)],
      ]),
      '',
      `plugins discovered: ${report.pluginsDiscovered}${report.pluginsDisabledForBench.length ? ` (disabled, they need settings: ${report.pluginsDisabledForBench.join(', ')})` : ''} (loaded at start: ${active.join(', ') || 'none'}); modules loaded: ${report.modulesLoaded}; driver modules loaded: ${report.driversLoaded.length ? report.driversLoaded.join(', ') : 'none'}`,
      `target: spawn -> ready <= ${report.target.spawnToReadyMs} ms (median): A ${report.target.met ? 'met' : 'MISSED'}, B (keys held) ${report.target.metWithKeysHeld ? 'met' : 'MISSED'}`,
    ].join('\n');
  },
};
