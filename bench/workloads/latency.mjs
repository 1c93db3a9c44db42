import { performance } from 'node:perf_hooks';
import { machineInfo, formatTable } from '../lib/report.mjs';
import { percentile, ratioSummary, round, summarizeRounded } from '../lib/stats.mjs';
import { mariadbTarget, postgresTarget } from '../lib/targets.mjs';
import { reportHeader, startCauseway } from '../lib/throughputRuns.mjs';

const TABLE_ROWS = 10_000;
const PERCENTILES = [50, 95, 99];

async function timeOne(fn) {
  const started = performance.now();
  const rows = await fn();
  if (rows !== 1) throw new Error(`a one-row query returned ${rows} rows`);
  return performance.now() - started;
}

/**
 * Latency of a one-row query by primary key, `--queries` in sequence on warm pools: A is a careful
 * user's warm connection (one round trip), B the same query through Causeway (`run()`: one HTTP
 * exchange to the relay that submits and streams the results, the job pushed to the host, the
 * connector's pooled session). A and B alternate query by query, so both see the same moments of the machine.
 */
function latencyWorkload(name, target) {
  return {
    name,
    summary: `one-row query by primary key, in sequence on warm pools (${target.name}): added latency of Causeway (B) over a warm direct connection (A), p50/p95/p99`,
    options: {
      queries: { default: 2000, integer: true, min: 10 },
      runs: { default: 3, integer: true, min: 1 },
      warmup: { default: 100, integer: true, min: 0 },
      // 1: also run B2, the same query as two HTTP exchanges (submit, then GET results), interleaved
      // with A and B, so one run compares the single-exchange `run()` with the older path.
      'two-requests': { default: 0, integer: true, min: 0 },
    },

    async run(options, log) {
      const startedAt = new Date().toISOString();
      const machine = machineInfo();
      const table = await target.ensureTable(TABLE_ROWS);
      const text = target.oneRowQuery(table.table);
      const causeway = await startCauseway(target.hostDataSource);
      const direct = await target.connect();
      const runs = [];
      try {
        const viaCauseway = async (id) => {
          const stream = await causeway.client.run(causeway.gatewayId, { dataSource: target.dataSourceId, query: { text, parameters: [id] } });
          let rows = 0;
          for await (const batch of stream.rows()) rows += batch.length;
          return rows;
        };
        const viaTwoRequests = async (id) => {
          const { jobId } = await causeway.client.submit(causeway.gatewayId, { dataSource: target.dataSourceId, query: { text, parameters: [id] } });
          let rows = 0;
          for await (const batch of causeway.client.results(jobId).rows()) rows += batch.length;
          return rows;
        };
        const compareTwo = options['two-requests'] > 0;
        const key = (i) => (i * 7919) % TABLE_ROWS + 1;
        for (let i = 0; i < options.warmup; i++) {
          await direct.query(text, [key(i)]);
          await viaCauseway(key(i));
          if (compareTwo) await viaTwoRequests(key(i));
        }
        for (let run = 1; run <= options.runs; run++) {
          const a = [];
          const b = [];
          const b2 = [];
          // CPU per query: the host child's over the run (it only works for B and B2), and this
          // process's (relay + client) over B's queries alone.
          await causeway.hostChild.resetPeak();
          let relayClientCpuUs = 0;
          for (let i = 0; i < options.queries; i++) {
            a.push(await timeOne(() => direct.query(text, [key(i)])));
            const cpu = process.cpuUsage();
            b.push(await timeOne(() => viaCauseway(key(i))));
            const used = process.cpuUsage(cpu);
            relayClientCpuUs += used.user + used.system;
            if (compareTwo) b2.push(await timeOne(() => viaTwoRequests(key(i))));
          }
          const host = await causeway.hostChild.peak();
          const figures = {
            run,
            hostCpuMsPerQuery: round((host.cpuUserMs + host.cpuSystemMs) / (options.queries * (compareTwo ? 2 : 1)), 3),
            relayClientCpuMsPerQuery: round(relayClientCpuUs / 1000 / options.queries, 3),
            // The kernel's part of the host's CPU: socket reads and writes (loopback delivery runs in the writer's call).
            hostCpuSystemShare: round(host.cpuSystemMs / (host.cpuUserMs + host.cpuSystemMs), 2),
          };
          for (const p of PERCENTILES) {
            figures[`directP${p}Ms`] = round(percentile(a, p), 3);
            figures[`causewayP${p}Ms`] = round(percentile(b, p), 3);
            figures[`addedP${p}Ms`] = round(percentile(b, p) - percentile(a, p), 3);
            if (compareTwo) {
              figures[`twoRequestsP${p}Ms`] = round(percentile(b2, p), 3);
              figures[`twoRequestsAddedP${p}Ms`] = round(percentile(b2, p) - percentile(a, p), 3);
            }
          }
          figures.directMeanMs = round(a.reduce((x, y) => x + y, 0) / a.length, 3);
          figures.causewayMeanMs = round(b.reduce((x, y) => x + y, 0) / b.length, 3);
          runs.push(figures);
          log(
            `run ${run}/${options.runs}  p50 A ${figures.directP50Ms} ms, B ${figures.causewayP50Ms} ms; p99 A ${figures.directP99Ms} ms, B ${figures.causewayP99Ms} ms;` +
              ` CPU per B query: host ${figures.hostCpuMsPerQuery} ms (kernel ${Math.round(figures.hostCpuSystemShare * 100)} %), relay + client ${figures.relayClientCpuMsPerQuery} ms`,
          );
        }
      } finally {
        await direct.close();
        await causeway.stop();
      }
      const over = (field) => summarizeRounded(runs.map((r) => r[field]), 3);
      const byPercentile = (prefix) => Object.fromEntries(PERCENTILES.map((p) => [`p${p}`, over(`${prefix}P${p}Ms`)]));
      return {
        ...reportHeader(name, startedAt, machine, options),
        database: target.name,
        query: text,
        note: 'added = B percentile - A percentile of the same run (percentiles of each side, not of per-query differences)',
        directMs: byPercentile('direct'),
        causewayMs: byPercentile('causeway'),
        addedMs: byPercentile('added'),
        cpuMsPerQuery: { host: over('hostCpuMsPerQuery'), relayAndClient: over('relayClientCpuMsPerQuery'), hostSystemShare: over('hostCpuSystemShare') },
        ...(options['two-requests'] > 0
          ? {
              twoRequestsMs: byPercentile('twoRequests'),
              twoRequestsAddedMs: byPercentile('twoRequestsAdded'),
              // Same-run ratios: B2 (submit + GET results) over B (one exchange), per percentile.
              ratios: Object.fromEntries(PERCENTILES.map((p) => [`twoRequests_vs_oneExchange_p${p}`, ratioSummary(runs.map((r) => r[`twoRequestsP${p}Ms`]), runs.map((r) => r[`causewayP${p}Ms`]))])),
            }
          : {}),
        targets: { addedP50Ms: 1, addedP99Ms: 5 },
        runs,
      };
    },

    format(report) {
      const rows = [['ms (median of runs [min, max])', 'p50', 'p95', 'p99']];
      const cell = (x) => `${x.median} [${x.min}, ${x.max}]`;
      const variants = [['A direct', 'directMs'], ['B causeway', 'causewayMs'], ['added (B - A)', 'addedMs']];
      if (report.twoRequestsMs) variants.push(['B2 two requests', 'twoRequestsMs'], ['added (B2 - A)', 'twoRequestsAddedMs']);
      for (const [label, key] of variants) {
        rows.push([label, ...PERCENTILES.map((p) => cell(report[key][`p${p}`]))]);
      }
      const m = report.machine;
      return [
        `${report.workload}: ${report.options.queries} one-row queries x ${report.options.runs} runs on ${report.database}  (${m.cpus} cpus, load at start ${m.loadAverage.join(' ')}, at end ${m.loadAverageAtEnd.join(' ')})`,
        '',
        formatTable(rows),
        '',
        `CPU per B query (ms): host ${cell(report.cpuMsPerQuery.host)}, relay + client ${cell(report.cpuMsPerQuery.relayAndClient)}`,
        `targets: added p50 <= ${report.targets.addedP50Ms} ms, p99 <= ${report.targets.addedP99Ms} ms`,
        ...(report.ratios ? ['', `same-run B2/B: ${PERCENTILES.map((p) => `p${p} ${cell(report.ratios[`twoRequests_vs_oneExchange_p${p}`])}`).join(', ')}`] : []),
      ].join('\n');
    },
  };
}

/** One-row latency on PostgreSQL. */
export const latency = latencyWorkload('latency', postgresTarget);
/** One-row latency on MariaDB. */
export const latencyMysql = latencyWorkload('latency-mysql', mariadbTarget);
