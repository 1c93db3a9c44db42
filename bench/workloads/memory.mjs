import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { machineInfo, formatTable } from '../lib/report.mjs';
import { mb, round, summarizeRounded } from '../lib/stats.mjs';
import { postgresTarget as target } from '../lib/targets.mjs';
import { reportHeader, startCauseway } from '../lib/throughputRuns.mjs';

const TARGET_PEAK_RSS_MB = 150;

/**
 * A large result read by a client that consumes slowly: the client sleeps after each batch so it
 * takes no more than `rate` rows per second, far below what the host reads from PostgreSQL. In
 * stream mode the host keeps reading at the speed of its disk spool; the result must pile up in
 * the spool, not in the host's memory. Reports the host child's peak RSS and the spool's peak size
 * (both sampled every 50 ms).
 */
export const memory = {
  name: 'memory',
  summary: 'a 5,000,000-row PostgreSQL result read by a rate-limited client: host peak RSS and peak spool size (target RSS <= 150 MB)',
  options: {
    rows: { default: 5_000_000, integer: true, min: 1 },
    rate: { default: 100_000, integer: true, min: 1 },
    runs: { default: 1, integer: true, min: 1 },
    // 0: the job names no batch size and the host's default applies (limits.batchRows, 2000), as a
    // plain client's job would; earlier reports used 5000 (see docs/performance.md, Memory).
    'batch-rows': { default: 0, integer: true, min: 0 },
  },

  async run(options, log) {
    const startedAt = new Date().toISOString();
    const machine = machineInfo();
    const batchRows = options['batch-rows'] || undefined;
    log(`table: ensuring bench_rows_${options.rows} (the first time, about 13 s per million rows) ...`);
    const table = await target.ensureTable(options.rows);
    const text = `select * from ${table.table}`;
    const causeway = await startCauseway(target.hostDataSource);
    const runs = [];
    try {
      for (let run = 1; run <= options.runs; run++) {
        const idle = await causeway.hostChild.resetPeak();
        const started = performance.now();
        const stream = await causeway.client.run(causeway.gatewayId, { dataSource: target.dataSourceId, query: { text }, ...(batchRows ? { options: { batchRows } } : {}) });
        let rows = 0;
        let lastLog = started;
        for await (const batch of stream.rows()) {
          rows += batch.length;
          // Sleep until this many rows are due at `rate` rows/s.
          const due = started + (rows / options.rate) * 1000;
          const now = performance.now();
          if (due > now) await sleep(due - now);
          if (now - lastLog > 10_000) {
            lastLog = now;
            const p = await causeway.hostChild.peak();
            log(`  ${rows.toLocaleString('en-US')} rows read; host peak RSS so far ${mb(p.rssPeak)} MB (heap ${mb(p.heapUsedPeak)}, external ${mb(p.externalPeak)}, arrayBuffers ${mb(p.arrayBuffersPeak)}), spool peak ${mb(p.spoolPeakBytes)} MB`);
          }
        }
        const seconds = (performance.now() - started) / 1000;
        const host = await causeway.hostChild.peak();
        const summary = stream.summary();
        if (rows !== options.rows || summary?.rows !== options.rows) throw new Error(`the client read ${rows} rows (end frame: ${summary?.rows}); the table has ${options.rows}`);
        const figures = {
          run,
          seconds: round(seconds, 2),
          clientRowsPerSecond: Math.round(rows / seconds),
          resultMB: mb(summary.bytes),
          hostExecuteSeconds: round((summary.timings?.executeMs ?? NaN) / 1000, 2),
          // Host CPU over the run: when the host is starved of CPU it falls back to the client's pace and the spool stays small.
          hostCpuSeconds: round((host.cpuUserMs + host.cpuSystemMs) / 1000, 2),
          hostIdleRssMB: mb(idle.rss),
          hostIdleExternalMB: mb(idle.external),
          hostPeakRssMB: mb(host.rssPeak),
          hostPeakHeapUsedMB: mb(host.heapUsedPeak),
          hostPeakHeapTotalMB: mb(host.heapTotalPeak),
          hostPeakExternalMB: mb(host.externalPeak),
          hostPeakArrayBuffersMB: mb(host.arrayBuffersPeak),
          spoolPeakMB: mb(host.spoolPeakBytes),
          hostRssAfterRunMB: mb(host.series.at(-1)?.rss ?? NaN),
          memorySamples: host.samples,
          // One sample a second (MB): where the RSS goes over the run.
          series: host.series.map((x) => ({ t: round(x.t / 1000, 1), rss: mb(x.rss), heapUsed: mb(x.heapUsed), heapTotal: mb(x.heapTotal), external: mb(x.external), arrayBuffers: mb(x.arrayBuffers), spool: mb(x.spool) })),
        };
        runs.push(figures);
        log(`run ${run}/${options.runs}  ${figures.seconds} s, host peak RSS ${figures.hostPeakRssMB} MB, spool peak ${figures.spoolPeakMB} MB of a ${figures.resultMB} MB result`);
      }
    } finally {
      await causeway.stop();
    }
    const over = (field, digits = 1) => summarizeRounded(runs.map((r) => r[field]), digits);
    const peak = over('hostPeakRssMB');
    return {
      ...reportHeader('memory', startedAt, machine, { ...options, batchRows: batchRows ?? 'host default (2000)' }),
      query: text,
      description: 'relay client sleeping to at most `rate` rows/s -> relay -> host child (disk spooler, stream mode) -> postgres',
      seconds: over('seconds', 2),
      clientRowsPerSecond: over('clientRowsPerSecond', 0),
      resultMB: runs[0].resultMB,
      hostExecuteSeconds: over('hostExecuteSeconds', 2),
      hostCpuSeconds: over('hostCpuSeconds', 2),
      hostIdleRssMB: over('hostIdleRssMB'),
      hostPeakRssMB: peak,
      hostPeakHeapUsedMB: over('hostPeakHeapUsedMB'),
      hostPeakHeapTotalMB: over('hostPeakHeapTotalMB'),
      hostPeakExternalMB: over('hostPeakExternalMB'),
      hostPeakArrayBuffersMB: over('hostPeakArrayBuffersMB'),
      spoolPeakMB: over('spoolPeakMB'),
      target: { hostPeakRssMB: TARGET_PEAK_RSS_MB, met: peak.max <= TARGET_PEAK_RSS_MB },
      runs,
    };
  },

  format(report) {
    const cell = (x) => `${x.median} [${x.min}, ${x.max}]`;
    const m = report.machine;
    return [
      `memory: ${report.options.rows.toLocaleString('en-US')} rows (${report.resultMB} MB of frames), client limited to ${report.options.rate.toLocaleString('en-US')} rows/s, ${report.options.runs} run(s)  (load at start ${m.loadAverage.join(' ')}, at end ${m.loadAverageAtEnd.join(' ')})`,
      '',
      formatTable([
        ['median [min, max]', 'value'],
        ['client seconds', cell(report.seconds)],
        ['host execute seconds (DB read into spool)', cell(report.hostExecuteSeconds)],
        ['host CPU seconds', cell(report.hostCpuSeconds)],
        ['host idle RSS MB', cell(report.hostIdleRssMB)],
        ['host peak RSS MB', cell(report.hostPeakRssMB)],
        ['host peak heap used MB', cell(report.hostPeakHeapUsedMB)],
        ['host peak heap total MB', cell(report.hostPeakHeapTotalMB)],
        ['host peak external MB', cell(report.hostPeakExternalMB)],
        ['host peak arrayBuffers MB', cell(report.hostPeakArrayBuffersMB)],
        ['spool peak MB', cell(report.spoolPeakMB)],
      ]),
      '',
      `target: host peak RSS <= ${report.target.hostPeakRssMB} MB: ${report.target.met ? 'met' : 'MISSED'}`,
    ].join('\n');
  },
};
