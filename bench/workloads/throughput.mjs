import { createRelayClient, createRelayServer } from '@causeway/relay';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { startHostChild } from '../lib/hostChild.mjs';
import { measureMachineCpu } from '../lib/machineCpu.mjs';
import { ensureBenchTable, pgConfig } from '../lib/postgres.mjs';
import { formatTable, machineInfo } from '../lib/report.mjs';
import { mb, round, summarize } from '../lib/stats.mjs';

function cpuMs(since) {
  const cpu = process.cpuUsage(since);
  return round((cpu.user + cpu.system) / 1000, 1);
}

/** A: what a careful user does without Causeway: one connection, a cursor, array rows, fixed-size batches. */
async function readDirect(text, batchRows) {
  const machine = measureMachineCpu();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const client = new pg.Client(pgConfig);
  await client.connect();
  let rows = 0;
  try {
    const cursor = client.query(new Cursor(text, [], { rowMode: 'array' }));
    for (;;) {
      const batch = await cursor.read(batchRows);
      if (batch.length === 0) break;
      rows += batch.length;
    }
    await cursor.close();
  } finally {
    await client.end();
  }
  return { seconds: (performance.now() - started) / 1000, rows, benchCpuMs: cpuMs(cpu), machineBusyCores: machine.stop() };
}

/** B: the same query through the relay (in this process) and the host (in the child), rows decoded by the client. */
async function readThroughCauseway(client, gatewayId, text, batchRows) {
  const machine = measureMachineCpu();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const stream = await client.run(gatewayId, { dataSource: 'pg', query: { text }, options: { batchRows } });
  let rows = 0;
  for await (const batch of stream.rows()) rows += batch.length;
  const seconds = (performance.now() - started) / 1000;
  const machineBusyCores = machine.stop();
  const summary = stream.summary();
  return { seconds, rows, benchCpuMs: cpuMs(cpu), machineBusyCores, resultBytes: summary?.bytes, summaryRows: summary?.rows, hostTimings: summary?.timings };
}

function median(values) {
  return values.some((v) => v === null || v === undefined) ? null : round(summarize(values).median, 2);
}

function describe(samples, rows) {
  const seconds = samples.map((s) => s.seconds);
  const rate = summarize(seconds.map((s) => rows / s));
  const sec = summarize(seconds);
  return {
    seconds: { median: round(sec.median), min: round(sec.min), max: round(sec.max) },
    rowsPerSecond: { median: Math.round(rate.median), min: Math.round(rate.min), max: Math.round(rate.max) },
  };
}

function assertRowCount(what, got, want) {
  if (got !== want) throw new Error(`${what} read ${got} rows; the table has ${want}`);
}

/** Rows per second of a full-table read: direct `pg` + `pg-cursor` (A) against the same read through Causeway (B). */
export const throughput = {
  name: 'throughput',
  summary: 'read every row of an 8-column table: direct pg + pg-cursor (A) vs relay + host (B); host memory',
  options: {
    rows: { default: 1_000_000, integer: true, min: 1 },
    runs: { default: 3, integer: true, min: 1 },
    'batch-rows': { default: 5000, integer: true, min: 1 },
  },

  async run(options, log) {
    const { rows, runs } = options;
    const batchRows = options['batch-rows'];
    const startedAt = new Date().toISOString();
    const machine = machineInfo();

    log(`table: ensuring bench_rows_${rows} ...`);
    const table = await ensureBenchTable(rows);
    log(`table: ${table.table} ${table.created ? `created in ${round(table.seconds, 1)} s` : 'already present'}`);
    const text = `select * from ${table.table}`;

    const token = randomBytes(16).toString('hex');
    const relay = createRelayServer({ clientTokens: [token] });
    await relay.start();
    let hostChild;
    const pairs = [];
    let hostStartedRss;
    try {
      hostChild = await startHostChild(relay, {
        id: 'pg',
        connector: 'postgres',
        settings: { host: pgConfig.host, port: pgConfig.port, database: pgConfig.database, ssl: { mode: 'disable' } },
        // PostgreSQL trusts loopback; the password only has to be present.
        username: pgConfig.user,
        password: 'x',
      });
      const idleAfterStart = await hostChild.resetPeak();
      hostStartedRss = idleAfterStart.rss;
      const client = createRelayClient({ url: relay.url, token });

      for (let i = 1; i <= runs; i++) {
        const a = await readDirect(text, batchRows);
        assertRowCount('A (direct)', a.rows, rows);
        log(`run ${i}/${runs}  A direct    ${round(a.seconds)} s   cpu: bench ${round(a.benchCpuMs / 1000, 2)} s   machine busy cores ${a.machineBusyCores}`);

        const idle = await hostChild.resetPeak();
        const b = await readThroughCauseway(client, hostChild.gatewayId, text, batchRows);
        const host = await hostChild.peak();
        assertRowCount('B (causeway)', b.rows, rows);
        assertRowCount('B (causeway) end frame', b.summaryRows, rows);
        const hostCpu = (host.cpuUserMs + host.cpuSystemMs) / 1000;
        log(`run ${i}/${runs}  B causeway  ${round(b.seconds)} s   cpu: host ${round(hostCpu, 2)} s, bench ${round(b.benchCpuMs / 1000, 2)} s   machine busy cores ${b.machineBusyCores}   host peak RSS ${mb(host.rssPeak)} MB`);

        pairs.push({
          run: i,
          direct: { seconds: round(a.seconds, 4), rowsPerSecond: Math.round(rows / a.seconds), benchCpuMs: a.benchCpuMs, machineBusyCores: a.machineBusyCores },
          causeway: {
            seconds: round(b.seconds, 4),
            rowsPerSecond: Math.round(rows / b.seconds),
            benchCpuMs: b.benchCpuMs,
            hostCpuMs: round(host.cpuUserMs + host.cpuSystemMs, 1),
            machineBusyCores: b.machineBusyCores,
            resultBytes: b.resultBytes,
            hostTimingsMs: b.hostTimings,
            hostIdleRssMB: mb(idle.rss),
            hostIdleHeapUsedMB: mb(idle.heapUsed),
            hostPeakRssMB: mb(host.rssPeak),
            hostPeakHeapUsedMB: mb(host.heapUsedPeak),
            memorySamples: host.samples,
          },
          ratio: round(b.seconds / a.seconds, 3),
        });
      }
    } finally {
      await hostChild?.stop();
      await relay.stop();
    }

    const direct = describe(pairs.map((p) => p.direct), rows);
    const causeway = describe(pairs.map((p) => p.causeway), rows);
    const ratio = summarize(pairs.map((p) => p.ratio));
    const roundAll = (x) => ({ median: round(x.median, 1), min: x.min, max: x.max });
    const peakRss = roundAll(summarize(pairs.map((p) => p.causeway.hostPeakRssMB)));
    const idleRss = roundAll(summarize(pairs.map((p) => p.causeway.hostIdleRssMB)));
    const report = {
      workload: 'throughput',
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverage },
      options: { rows, runs, batchRows },
      table: { name: table.table, created: table.created, setupSeconds: round(table.seconds, 2) },
      query: text,
      direct: { description: 'pg + pg-cursor in the bench process, rowMode array, fresh connection per run', ...direct },
      causeway: {
        description: 'relay client -> relay (bench process) -> websocket -> host (child process, disk spooler, stream mode) -> postgres',
        ...causeway,
        resultBytes: pairs[0]?.causeway.resultBytes,
      },
      cpuSecondsPerRun: {
        directBench: median(pairs.map((p) => p.direct.benchCpuMs / 1000)),
        causewayHost: median(pairs.map((p) => p.causeway.hostCpuMs / 1000)),
        causewayBench: median(pairs.map((p) => p.causeway.benchCpuMs / 1000)),
        machineBusyCoresDuringDirect: median(pairs.map((p) => p.direct.machineBusyCores)),
        machineBusyCoresDuringCauseway: median(pairs.map((p) => p.causeway.machineBusyCores)),
      },
      ratioCausewayToDirect: { median: round(ratio.median), min: round(ratio.min), max: round(ratio.max) },
      hostMemory: {
        rssAfterStartMB: mb(hostStartedRss),
        idleRssBeforeRunMB: idleRss,
        peakRssDuringRunMB: peakRss,
        sampleIntervalMs: 50,
      },
      runs: pairs,
    };
    return report;
  },

  /** The short stdout table of a report. */
  format(report) {
    const s = (x) => `${x.toFixed(3)}`;
    const r = (x) => Math.round(x).toLocaleString('en-US');
    const { direct, causeway, ratioCausewayToDirect: ratio, hostMemory } = report;
    const table = formatTable([
      ['', 'median s', 'min s', 'max s', 'rows/s (median)'],
      ['A direct (pg-cursor)', s(direct.seconds.median), s(direct.seconds.min), s(direct.seconds.max), r(direct.rowsPerSecond.median)],
      ['B causeway', s(causeway.seconds.median), s(causeway.seconds.min), s(causeway.seconds.max), r(causeway.rowsPerSecond.median)],
      ['B/A ratio', s(ratio.median), s(ratio.min), s(ratio.max), ''],
    ]);
    const memory = formatTable([
      ['host child RSS (MB)', 'median', 'min', 'max'],
      ['idle before B', hostMemory.idleRssBeforeRunMB.median, hostMemory.idleRssBeforeRunMB.min, hostMemory.idleRssBeforeRunMB.max],
      ['peak during B', hostMemory.peakRssDuringRunMB.median, hostMemory.peakRssDuringRunMB.min, hostMemory.peakRssDuringRunMB.max],
    ]);
    const m = report.machine;
    const c = report.cpuSecondsPerRun;
    const busy = c.machineBusyCoresDuringDirect === null ? '' : `; machine busy cores A ${c.machineBusyCoresDuringDirect}, B ${c.machineBusyCoresDuringCauseway} of ${m.cpus}`;
    return [
      `throughput: ${r(report.options.rows)} rows x ${report.options.runs} runs, batches of ${report.options.batchRows}  (${m.cpus} cpus, node ${m.node}, load ${m.loadAverage.join(' ')})`,
      '',
      table,
      '',
      memory,
      '',
      `CPU s per run (median): A bench ${c.directBench}; B host ${c.causewayHost} + bench (relay, client) ${c.causewayBench}${busy}`,
    ].join('\n');
  },
};
