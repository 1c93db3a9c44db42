import { performance } from 'node:perf_hooks';
import { machineInfo, formatTable } from '../lib/report.mjs';
import { percentile, round } from '../lib/stats.mjs';
import { postgresTarget as target } from '../lib/targets.mjs';
import { reportHeader, startCauseway } from '../lib/throughputRuns.mjs';

const SMALL_TABLE_ROWS = 10_000;

/** Jain's fairness index of per-client counts: 1 when every client got the same, 1/n when one got everything. */
export function jainIndex(counts) {
  const sum = counts.reduce((a, b) => a + b, 0);
  const squares = counts.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (counts.length * squares);
}

function latencyFigures(list) {
  if (list.length === 0) return null;
  return { count: list.length, p50Ms: round(percentile(list, 50), 1), p99Ms: round(percentile(list, 99), 1), maxMs: round(Math.max(...list), 1) };
}

/**
 * `--clients` clients, each running jobs back to back for `--seconds`: every `--big-every`-th job
 * of a client (staggered across clients) reads `--big-rows` rows, the others are one-row lookups.
 * Jobs started before the deadline run to their end. Reports jobs/s, latency per kind, errors (must
 * be zero) and fairness: jobs per client (min, max, Jain's index) and the slowest job of each kind
 * (a starved job shows there).
 */
export const concurrency = {
  name: 'concurrency',
  summary: '64 clients running small and 100,000-row PostgreSQL jobs for 30 s: jobs/s, p99, errors, fairness',
  options: {
    clients: { default: 64, integer: true, min: 1 },
    seconds: { default: 30, min: 1 },
    'big-rows': { default: 100_000, integer: true, min: 1 },
    'big-every': { default: 8, integer: true, min: 1 },
    'batch-rows': { default: 5000, integer: true, min: 1 },
  },

  async run(options, log) {
    const startedAt = new Date().toISOString();
    const machine = machineInfo();
    const small = await target.ensureTable(SMALL_TABLE_ROWS);
    const big = await target.ensureTable(options['big-rows']);
    const smallText = target.oneRowQuery(small.table);
    const bigText = `select * from ${big.table}`;
    const causeway = await startCauseway(target.hostDataSource);
    const clients = Array.from({ length: options.clients }, (_, i) => ({ client: i, small: [], big: [], errors: [] }));
    let deadline;
    let started;
    const cpu = process.cpuUsage();
    try {
      await causeway.hostChild.resetPeak();
      const runOne = async (kind, key) => {
        const job = kind === 'big'
          ? { dataSource: target.dataSourceId, query: { text: bigText }, options: { batchRows: options['batch-rows'] } }
          : { dataSource: target.dataSourceId, query: { text: smallText, parameters: [key] } };
        const stream = await causeway.client.run(causeway.gatewayId, job);
        let rows = 0;
        for await (const batch of stream.rows()) rows += batch.length;
        const want = kind === 'big' ? options['big-rows'] : 1;
        if (rows !== want) throw new Error(`a ${kind} job read ${rows} rows instead of ${want}`);
      };
      const loop = async (state) => {
        for (let k = 0; performance.now() < deadline; k++) {
          const kind = (state.client + k) % options['big-every'] === 0 ? 'big' : 'small';
          const t = performance.now();
          try {
            await runOne(kind, ((state.client * 131 + k) % SMALL_TABLE_ROWS) + 1);
            state[kind].push(performance.now() - t);
          } catch (error) {
            state.errors.push(`${kind}: ${error?.code ? `${error.code}: ` : ''}${error?.message ?? error}`);
          }
        }
      };
      started = performance.now();
      deadline = started + options.seconds * 1000;
      log(`${options.clients} clients running for ${options.seconds} s (jobs started before then run to their end) ...`);
      await Promise.all(clients.map(loop));
    } finally {
      await causeway.stop().catch(() => undefined);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const benchCpu = process.cpuUsage(cpu);
    const smallAll = clients.flatMap((c) => c.small);
    const bigAll = clients.flatMap((c) => c.big);
    const perClient = clients.map((c) => c.small.length + c.big.length);
    const errors = clients.flatMap((c) => c.errors);
    return {
      ...reportHeader('concurrency', startedAt, machine, options),
      description: `${options.clients} relay clients in the bench process -> relay -> host child (disk spooler, stream mode, default limits: 16 concurrent jobs) -> postgres`,
      wallSeconds: round(wallSeconds, 2),
      jobs: smallAll.length + bigAll.length,
      jobsPerSecond: round((smallAll.length + bigAll.length) / wallSeconds, 1),
      bigRowsPerSecond: Math.round((bigAll.length * options['big-rows']) / wallSeconds),
      latency: { small: latencyFigures(smallAll), big: latencyFigures(bigAll) },
      errors: { count: errors.length, first: errors.slice(0, 5) },
      fairness: {
        jobsPerClient: { min: Math.min(...perClient), max: Math.max(...perClient) },
        jainIndex: round(jainIndex(perClient), 3),
        clientsWithNoJobDone: perClient.filter((n) => n === 0).length,
      },
      benchCpuSeconds: round((benchCpu.user + benchCpu.system) / 1e6, 1),
    };
  },

  format(report) {
    const l = report.latency;
    const row = (name, x) => (x ? [name, x.count, x.p50Ms, x.p99Ms, x.maxMs] : [name, 0, '', '', '']);
    const m = report.machine;
    return [
      `concurrency: ${report.options.clients} clients for ${report.options.seconds} s, 1 job in ${report.options['big-every']} reads ${report.options['big-rows'].toLocaleString('en-US')} rows  (${m.cpus} cpus, load at start ${m.loadAverage.join(' ')}, at end ${m.loadAverageAtEnd.join(' ')})`,
      '',
      formatTable([['jobs', 'count', 'p50 ms', 'p99 ms', 'max ms'], row('small (1 row)', l.small), row(`big (${report.options['big-rows']} rows)`, l.big)]),
      '',
      `jobs/s ${report.jobsPerSecond} over ${report.wallSeconds} s; errors ${report.errors.count}${report.errors.count ? ` (${report.errors.first[0]})` : ''}`,
      `fairness: jobs per client min ${report.fairness.jobsPerClient.min}, max ${report.fairness.jobsPerClient.max}, Jain index ${report.fairness.jainIndex}, clients with no job done ${report.fairness.clientsWithNoJobDone}`,
    ].join('\n');
  },
};
