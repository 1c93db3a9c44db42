// The parts the throughput workloads share: the Causeway side (relay in this process, host in a
// child), the run loop that measures every variant in each run side by side, and the report shape.
import { createRelayClient, createRelayServer } from '@causeway/relay';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startHostChild } from './hostChild.mjs';
import { measureMachineCpu } from './machineCpu.mjs';
import { formatTable, machineInfo } from './report.mjs';
import { mb, ratioSummary, round, summarizeRounded } from './stats.mjs';

/** CPU milliseconds of this process since `since` (a process.cpuUsage() value). */
export function cpuMs(since) {
  const cpu = process.cpuUsage(since);
  return round((cpu.user + cpu.system) / 1000, 1);
}

/** Throws unless a variant read exactly the table's rows. */
export function assertRowCount(what, got, want) {
  if (got !== want) throw new Error(`${what} read ${got} rows; the table has ${want}`);
}

/**
 * Starts the cloud side in this process (embedded relay, relay client) and a host child with
 * `dataSource`. Returns { client, hostChild, gatewayId, stop() }.
 */
export async function startCauseway(dataSource, hostOptions) {
  const token = randomBytes(16).toString('hex');
  const relay = createRelayServer({ clientTokens: [token] });
  await relay.start();
  try {
    const hostChild = await startHostChild(relay, dataSource, hostOptions);
    return {
      relay,
      hostChild,
      gatewayId: hostChild.gatewayId,
      client: createRelayClient({ url: relay.url, token }),
      async stop() {
        await hostChild.stop();
        await relay.stop();
      },
    };
  } catch (error) {
    await relay.stop();
    throw error;
  }
}

/**
 * B: `text` through the relay (this process) and the host (child), every row decoded by the client.
 * The time runs from submit to the end frame. Also samples the host child's CPU and peak memory.
 */
export async function readThroughCauseway(causeway, dataSourceId, text, batchRows) {
  const idle = await causeway.hostChild.resetPeak();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const stream = await causeway.client.run(causeway.gatewayId, { dataSource: dataSourceId, query: { text }, options: { batchRows } });
  let rows = 0;
  for await (const batch of stream.rows()) rows += batch.length;
  const seconds = (performance.now() - started) / 1000;
  const benchCpuMs = cpuMs(cpu);
  const host = await causeway.hostChild.peak();
  const summary = stream.summary();
  return {
    seconds,
    rows,
    bytes: summary?.bytes,
    summaryRows: summary?.rows,
    benchCpuMs,
    hostCpuMs: round(host.cpuUserMs + host.cpuSystemMs, 1),
    hostTimingsMs: summary?.timings,
    hostIdleRssMB: mb(idle.rss),
    hostIdleHeapUsedMB: mb(idle.heapUsed),
    hostPeakRssMB: mb(host.rssPeak),
    hostPeakHeapUsedMB: mb(host.heapUsedPeak),
    spoolPeakMB: mb(host.spoolPeakBytes),
  };
}

/**
 * Runs `variants` ([{ key, label, read() }]) one after the other in each of `runs` runs, so a slow
 * moment of the shared machine hits a whole run rather than one variant. `read()` resolves
 * `{ seconds, rows, bytes?, ... }`; every variant must read `rows` rows. Each sample gets the
 * machine's busy cores during it. Returns the runs: [{ run, <key>: sample, ... }].
 */
export async function runVariants({ runs, rows, variants, log }) {
  const results = [];
  for (let i = 1; i <= runs; i++) {
    const run = { run: i };
    for (const variant of variants) {
      const machine = measureMachineCpu();
      const sample = await variant.read();
      sample.machineBusyCores = machine.stop();
      assertRowCount(variant.label, sample.rows, rows);
      if (sample.summaryRows !== undefined) assertRowCount(`${variant.label} (end frame)`, sample.summaryRows, rows);
      sample.seconds = round(sample.seconds, 4);
      sample.rowsPerSecond = Math.round(rows / sample.seconds);
      if (sample.bytes) sample.mbPerSecond = round(sample.bytes / 1024 / 1024 / sample.seconds, 1);
      const cpu = [sample.benchCpuMs !== undefined && `bench ${round(sample.benchCpuMs / 1000, 2)} s`, sample.hostCpuMs !== undefined && `host ${round(sample.hostCpuMs / 1000, 2)} s`].filter(Boolean).join(', ');
      log(`run ${i}/${runs}  ${variant.label.padEnd(34)} ${sample.seconds.toFixed(3)} s${cpu ? `   cpu: ${cpu}` : ''}   machine busy cores ${sample.machineBusyCores}${sample.hostPeakRssMB !== undefined ? `   host peak RSS ${sample.hostPeakRssMB} MB` : ''}`);
      run[variant.key] = sample;
    }
    results.push(run);
  }
  return results;
}

/** Median, min and max of a variant's seconds, rows/s and MB/s over the runs. */
export function describeVariant(runs, key, description) {
  const samples = runs.map((r) => r[key]);
  const figure = (name, digits) => (samples.every((s) => typeof s[name] === 'number') ? summarizeRounded(samples.map((s) => s[name]), digits) : undefined);
  return {
    description,
    seconds: figure('seconds', 3),
    rowsPerSecond: figure('rowsPerSecond', 0),
    mbPerSecond: figure('mbPerSecond', 1),
    bytes: samples[0]?.bytes,
    cpuSeconds: {
      bench: figure('benchCpuMs', 0) && summarizeRounded(samples.map((s) => s.benchCpuMs / 1000), 2),
      host: figure('hostCpuMs', 0) && summarizeRounded(samples.map((s) => s.hostCpuMs / 1000), 2),
    },
    machineBusyCores: samples.every((s) => typeof s.machineBusyCores === 'number') ? summarizeRounded(samples.map((s) => s.machineBusyCores), 2) : null,
  };
}

/** `{ name: [numeratorKey, denominatorKey] }` to ratios of seconds measured in the same runs. */
export function secondsRatios(runs, pairs) {
  return Object.fromEntries(
    Object.entries(pairs).map(([name, [num, den]]) => [name, ratioSummary(runs.map((r) => r[num].seconds), runs.map((r) => r[den].seconds))]),
  );
}

/** The host child's memory figures over the runs of the Causeway variant `key`. */
export function hostMemory(runs, key, rssAfterStart) {
  const one = (name) => summarizeRounded(runs.map((r) => r[key][name]), 1);
  return {
    rssAfterStartMB: mb(rssAfterStart),
    idleRssBeforeRunMB: one('hostIdleRssMB'),
    peakRssDuringRunMB: one('hostPeakRssMB'),
    peakSpoolMB: one('spoolPeakMB'),
    sampleIntervalMs: 50,
  };
}

/** The report fields every workload has. */
export function reportHeader(workload, startedAt, machine, options) {
  return { workload, startedAt, finishedAt: new Date().toISOString(), machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverage }, options };
}

/** The stdout table of a throughput report: one line per variant, then the ratios and the host's memory. */
export function formatThroughput(report, variantKeys) {
  const s = (x) => (x === undefined ? '' : x.toFixed(3));
  const r = (x) => (x === undefined ? '' : Math.round(x).toLocaleString('en-US'));
  const rows = [['', 'median s', 'min s', 'max s', 'rows/s (median)', 'MB/s (median)']];
  for (const key of variantKeys) {
    const v = report.variants[key];
    rows.push([v.label, s(v.seconds.median), s(v.seconds.min), s(v.seconds.max), r(v.rowsPerSecond.median), v.mbPerSecond ? String(v.mbPerSecond.median) : '']);
  }
  const ratios = [['ratio (same run)', 'median', 'min', 'max']];
  for (const [name, x] of Object.entries(report.ratios)) ratios.push([name, s(x.median), s(x.min), s(x.max)]);
  const m = report.hostMemory;
  const memory = formatTable([
    ['host child (MB)', 'median', 'min', 'max'],
    ['idle RSS before B', m.idleRssBeforeRunMB.median, m.idleRssBeforeRunMB.min, m.idleRssBeforeRunMB.max],
    ['peak RSS during B', m.peakRssDuringRunMB.median, m.peakRssDuringRunMB.min, m.peakRssDuringRunMB.max],
    ['peak spool during B', m.peakSpoolMB.median, m.peakSpoolMB.min, m.peakSpoolMB.max],
  ]);
  const mc = report.machine;
  const cpu = variantKeys
    .map((k) => report.variants[k])
    .map((v) => `${v.label.split(' ')[0]} ${[v.cpuSeconds.bench && `bench ${v.cpuSeconds.bench.median}`, v.cpuSeconds.host && `host ${v.cpuSeconds.host.median}`].filter(Boolean).join(' + ') || '-'}${v.machineBusyCores ? ` (busy cores ${v.machineBusyCores.median})` : ''}`)
    .join('; ');
  return [
    `${report.workload}: ${r(report.options.rows)} rows x ${report.options.runs} runs, batches of ${report.options.batchRows}  (${mc.cpus} cpus, node ${mc.node}, load at start ${mc.loadAverage.join(' ')}, at end ${mc.loadAverageAtEnd.join(' ')})`,
    '',
    formatTable(rows),
    '',
    formatTable(ratios),
    '',
    memory,
    '',
    `CPU s per run (median): ${cpu}`,
  ].join('\n');
}

