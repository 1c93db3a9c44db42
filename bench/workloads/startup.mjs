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

function startOnce(configFile, recordModules) {
  const started = performance.now();
  // CAUSEWAY_BENCH_STARTUP_CPU_PROF=<folder> writes a CPU profile of each timed start there.
  const profile = process.env.CAUSEWAY_BENCH_STARTUP_CPU_PROF;
  const execArgv = recordModules ? ['--import', RECORD_MODULES] : profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = fork(SCRIPT, [configFile], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

/** Which driver packages a list of module URLs holds. */
export function driversIn(urls) {
  const found = new Set();
  for (const url of urls) {
    for (const driver of DRIVERS) if (url.includes(`/node_modules/${driver}/`)) found.add(driver);
  }
  return [...found].sort();
}

/**
 * Cold start of a host process from its config file to ready (every built-in plugin discovered,
 * key file opened with its recovery key at the default scrypt cost, relay connection authenticated),
 * measured from spawn in the parent. Two data sources (PostgreSQL and MariaDB) are configured but
 * not used: no driver may be loaded. One more start, with a module-recording hook, lists what got loaded.
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
        const r = await startOnce(configFile, false);
        runs.push({
          run,
          spawnToReadyMs: round(r.spawnToReadyMs, 1),
          nodeBootMs: round(r.marks.processStartToScriptMs, 1),
          importHostMs: round(r.marks.hostImportedMs - r.marks.processStartToScriptMs, 1),
          hostStartMs: round(r.marks.readyMs - r.marks.hostImportedMs, 1),
        });
        log(`run ${run}/${options.runs}  spawn -> ready ${runs.at(-1).spawnToReadyMs} ms (node boot ${runs.at(-1).nodeBootMs}, import ${runs.at(-1).importHostMs}, host.start ${runs.at(-1).hostStartMs})`);
      }
      recorded = await startOnce(configFile, true);
    } finally {
      await relay.stop();
      await rm(dir, { recursive: true, force: true });
    }
    const over = (field) => summarizeRounded(runs.map((r) => r[field]), 1);
    const total = over('spawnToReadyMs');
    const drivers = driversIn(recorded.modules ?? []);
    return {
      ...reportHeader('startup', startedAt, machine, options),
      description: 'fork(node startupProcess.mjs config) -> createHost({ configFile }).start() resolves (keys opened, plugins discovered, config checked, spooler and transport loaded, relay handshake done)',
      spawnToReadyMs: total,
      phasesMs: { nodeBoot: over('nodeBootMs'), importHost: over('importHostMs'), hostStart: over('hostStartMs') },
      plugins: recorded.plugins,
      pluginsDiscovered: recorded.plugins.length,
      pluginsDisabledForBench: config.plugins.disabled,
      modulesLoaded: recorded.modules?.length ?? null,
      driversLoaded: drivers,
      target: { spawnToReadyMs: TARGET_MS, met: total.median <= TARGET_MS, driversLoadedMustBe: [] },
      runs,
    };
  },

  format(report) {
    const cell = (x) => `${x.median} [${x.min}, ${x.max}]`;
    const m = report.machine;
    const active = report.plugins.filter((p) => p.state === 'active').map((p) => p.id);
    return [
      `startup: ${report.options.runs} cold starts  (${m.cpus} cpus, load at start ${m.loadAverage.join(' ')}, at end ${m.loadAverageAtEnd.join(' ')})`,
      '',
      formatTable([
        ['ms, median [min, max]', 'value'],
        ['spawn -> ready', cell(report.spawnToReadyMs)],
        ['  node boot', cell(report.phasesMs.nodeBoot)],
        ['  import @causeway/host', cell(report.phasesMs.importHost)],
        ['  host.start()', cell(report.phasesMs.hostStart)],
      ]),
      '',
      `plugins discovered: ${report.pluginsDiscovered}${report.pluginsDisabledForBench.length ? ` (disabled, they need settings: ${report.pluginsDisabledForBench.join(', ')})` : ''} (loaded at start: ${active.join(', ') || 'none'}); modules loaded: ${report.modulesLoaded}; driver modules loaded: ${report.driversLoaded.length ? report.driversLoaded.join(', ') : 'none'}`,
      `target: spawn -> ready <= ${report.target.spawnToReadyMs} ms (median): ${report.target.met ? 'met' : 'MISSED'}`,
    ].join('\n');
  },
};
