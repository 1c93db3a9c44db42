import { createRelayClient, createRelayServer } from '@causeway/relay';
import mysql from 'mysql2';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startHostChild } from '../lib/hostChild.mjs';
import { measureMachineCpu } from '../lib/machineCpu.mjs';
import { ensureMariadbBenchTable, mariadbConfig } from '../lib/mariadb.mjs';
import { formatTable, machineInfo } from '../lib/report.mjs';
import { mb, round, summarize } from '../lib/stats.mjs';

function cpuMs(since) {
  const cpu = process.cpuUsage(since);
  return round((cpu.user + cpu.system) / 1000, 1);
}

// What a careful user asks of mysql2 for exact values: 64-bit integers and dates as text, not floats and Dates.
const exactOptions = { supportBigNumbers: true, bigNumberStrings: true, dateStrings: true };

/**
 * A: mysql2 reading directly in this process: a fresh connection, the statement streamed with
 * backpressure (`query().stream()`, text protocol; `execute()`, the prepared-statement protocol the
 * connector uses, for A2), array rows, counting rows. The time includes connecting.
 */
async function readDirect(text, batchRows, protocol) {
  const machine = measureMachineCpu();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const connection = mysql.createConnection({ ...mariadbConfig, ...exactOptions });
  let rows = 0;
  try {
    await new Promise((resolve, reject) => {
      const statement = { sql: text, rowsAsArray: true };
      const command = protocol === 'binary' ? connection.execute(statement) : connection.query(statement);
      const stream = command.stream({ highWaterMark: batchRows });
      stream.on('data', () => {
        rows += 1;
      });
      stream.once('error', reject);
      stream.once('end', resolve);
    });
  } finally {
    await new Promise((resolve) => connection.end(() => resolve()));
  }
  return { seconds: (performance.now() - started) / 1000, rows, benchCpuMs: cpuMs(cpu), machineBusyCores: machine.stop() };
}

/** B: the same query through the relay (in this process) and the host (in the child), rows decoded by the client. */
async function readThroughCauseway(client, gatewayId, text, batchRows) {
  const machine = measureMachineCpu();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const stream = await client.run(gatewayId, { dataSource: 'mariadb', query: { text }, options: { batchRows } });
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

const ratioOf = (values) => {
  const r = summarize(values);
  return { median: round(r.median), min: round(r.min), max: round(r.max) };
};

/** Rows per second of a full-table read on MariaDB: mysql2 directly (A, A2) against the same read through Causeway (B). */
export const throughputMysql = {
  name: 'throughput-mysql',
  summary: 'read every row of an 8-column MariaDB table: mysql2 streaming directly (A text, A2 prepared) vs relay + host + mysql connector (B); host memory',
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

    log(`table: ensuring MariaDB bench_rows_${rows} ...`);
    const table = await ensureMariadbBenchTable(rows);
    log(`table: ${table.table} ${table.created ? `created in ${round(table.seconds, 1)} s` : 'already present'}`);
    const text = `SELECT * FROM ${table.table}`;

    const token = randomBytes(16).toString('hex');
    const relay = createRelayServer({ clientTokens: [token] });
    await relay.start();
    let hostChild;
    const triples = [];
    let hostStartedRss;
    try {
      hostChild = await startHostChild(relay, {
        id: 'mariadb',
        connector: 'mysql',
        settings: { host: mariadbConfig.host, port: mariadbConfig.port, database: mariadbConfig.database },
        username: mariadbConfig.user,
        password: mariadbConfig.password,
      });
      const idleAfterStart = await hostChild.resetPeak();
      hostStartedRss = idleAfterStart.rss;
      const client = createRelayClient({ url: relay.url, token });

      for (let i = 1; i <= runs; i++) {
        const a = await readDirect(text, batchRows, 'text');
        assertRowCount('A (direct, text protocol)', a.rows, rows);
        log(`run ${i}/${runs}  A  direct text      ${round(a.seconds)} s   cpu: bench ${round(a.benchCpuMs / 1000, 2)} s   machine busy cores ${a.machineBusyCores}`);

        const a2 = await readDirect(text, batchRows, 'binary');
        assertRowCount('A2 (direct, prepared)', a2.rows, rows);
        log(`run ${i}/${runs}  A2 direct prepared  ${round(a2.seconds)} s   cpu: bench ${round(a2.benchCpuMs / 1000, 2)} s   machine busy cores ${a2.machineBusyCores}`);

        const idle = await hostChild.resetPeak();
        const b = await readThroughCauseway(client, hostChild.gatewayId, text, batchRows);
        const host = await hostChild.peak();
        assertRowCount('B (causeway)', b.rows, rows);
        assertRowCount('B (causeway) end frame', b.summaryRows, rows);
        const hostCpu = (host.cpuUserMs + host.cpuSystemMs) / 1000;
        log(`run ${i}/${runs}  B  causeway         ${round(b.seconds)} s   cpu: host ${round(hostCpu, 2)} s, bench ${round(b.benchCpuMs / 1000, 2)} s   machine busy cores ${b.machineBusyCores}   host peak RSS ${mb(host.rssPeak)} MB`);

        triples.push({
          run: i,
          direct: { seconds: round(a.seconds, 4), rowsPerSecond: Math.round(rows / a.seconds), benchCpuMs: a.benchCpuMs, machineBusyCores: a.machineBusyCores },
          directPrepared: { seconds: round(a2.seconds, 4), rowsPerSecond: Math.round(rows / a2.seconds), benchCpuMs: a2.benchCpuMs, machineBusyCores: a2.machineBusyCores },
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
          ratioToPrepared: round(b.seconds / a2.seconds, 3),
        });
      }
    } finally {
      await hostChild?.stop();
      await relay.stop();
    }

    const roundAll = (x) => ({ median: round(x.median, 1), min: x.min, max: x.max });
    return {
      workload: 'throughput-mysql',
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverage },
      options: { rows, runs, batchRows },
      table: { name: table.table, created: table.created, setupSeconds: round(table.seconds, 2) },
      query: text,
      direct: { description: 'mysql2 query().stream() (text protocol) in the bench process, array rows, exact-value options, fresh connection per run', ...describe(triples.map((t) => t.direct), rows) },
      directPrepared: {
        description: 'mysql2 execute().stream() (prepared-statement protocol, as the connector runs it) in the bench process, same options',
        ...describe(triples.map((t) => t.directPrepared), rows),
      },
      causeway: {
        description: 'relay client -> relay (bench process) -> websocket -> host (child process, disk spooler, stream mode) -> mysql connector -> MariaDB',
        ...describe(triples.map((t) => t.causeway), rows),
        resultBytes: triples[0]?.causeway.resultBytes,
      },
      cpuSecondsPerRun: {
        directBench: median(triples.map((t) => t.direct.benchCpuMs / 1000)),
        directPreparedBench: median(triples.map((t) => t.directPrepared.benchCpuMs / 1000)),
        causewayHost: median(triples.map((t) => t.causeway.hostCpuMs / 1000)),
        causewayBench: median(triples.map((t) => t.causeway.benchCpuMs / 1000)),
        machineBusyCoresDuringDirect: median(triples.map((t) => t.direct.machineBusyCores)),
        machineBusyCoresDuringCauseway: median(triples.map((t) => t.causeway.machineBusyCores)),
      },
      ratioCausewayToDirect: ratioOf(triples.map((t) => t.ratio)),
      ratioCausewayToDirectPrepared: ratioOf(triples.map((t) => t.ratioToPrepared)),
      hostMemory: {
        rssAfterStartMB: mb(hostStartedRss),
        idleRssBeforeRunMB: roundAll(summarize(triples.map((t) => t.causeway.hostIdleRssMB))),
        peakRssDuringRunMB: roundAll(summarize(triples.map((t) => t.causeway.hostPeakRssMB))),
        sampleIntervalMs: 50,
      },
      runs: triples,
    };
  },

  /** The short stdout table of a report. */
  format(report) {
    const s = (x) => `${x.toFixed(3)}`;
    const r = (x) => Math.round(x).toLocaleString('en-US');
    const { direct, directPrepared, causeway, ratioCausewayToDirect: ratio, ratioCausewayToDirectPrepared: ratio2, hostMemory } = report;
    const table = formatTable([
      ['', 'median s', 'min s', 'max s', 'rows/s (median)'],
      ['A  direct (mysql2 query stream)', s(direct.seconds.median), s(direct.seconds.min), s(direct.seconds.max), r(direct.rowsPerSecond.median)],
      ['A2 direct (mysql2 execute stream)', s(directPrepared.seconds.median), s(directPrepared.seconds.min), s(directPrepared.seconds.max), r(directPrepared.rowsPerSecond.median)],
      ['B  causeway', s(causeway.seconds.median), s(causeway.seconds.min), s(causeway.seconds.max), r(causeway.rowsPerSecond.median)],
      ['B/A ratio', s(ratio.median), s(ratio.min), s(ratio.max), ''],
      ['B/A2 ratio', s(ratio2.median), s(ratio2.min), s(ratio2.max), ''],
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
      `throughput-mysql: ${r(report.options.rows)} rows x ${report.options.runs} runs, batches of ${report.options.batchRows}  (${m.cpus} cpus, node ${m.node}, load ${m.loadAverage.join(' ')})`,
      '',
      table,
      '',
      memory,
      '',
      `CPU s per run (median): A bench ${c.directBench}; A2 bench ${c.directPreparedBench}; B host ${c.causewayHost} + bench (relay, client) ${c.causewayBench}${busy}`,
    ].join('\n');
  },
};
