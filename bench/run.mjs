// Causeway benchmarks: `npm run bench -- <workload> [options]` (after `npm run build`).
// A workload is a module under workloads/ exporting { name, summary, options, run(options, log), format(report) };
// add it to WORKLOADS below.
import { parseOptions } from './lib/args.mjs';
import { writeReport } from './lib/report.mjs';
import { cluster } from './workloads/cluster.mjs';
import { concurrency } from './workloads/concurrency.mjs';
import { decodeMysql } from './workloads/decodeMysql.mjs';
import { encoding } from './workloads/encoding.mjs';
import { latency, latencyMysql } from './workloads/latency.mjs';
import { memory } from './workloads/memory.mjs';
import { startup } from './workloads/startup.mjs';
import { throughput } from './workloads/throughput.mjs';
import { throughputMysql } from './workloads/throughputMysql.mjs';

const WORKLOADS = [throughput, latency, memory, concurrency, startup, throughputMysql, latencyMysql, decodeMysql, encoding, cluster];

function usage() {
  const lines = ['usage: npm run bench -- <workload> [options]', '', 'workloads:'];
  for (const w of WORKLOADS) {
    const opts = Object.entries(w.options).map(([name, s]) => `[--${name} N (default ${s.default})]`).join(' ');
    lines.push(`  ${w.name} ${opts}`, `      ${w.summary}`);
  }
  return lines.join('\n');
}

const [name, ...rest] = process.argv.slice(2);
const workload = WORKLOADS.find((w) => w.name === name);
if (!workload) {
  process.stderr.write(`${name ? `unknown workload "${name}"\n\n` : ''}${usage()}\n`);
  process.exitCode = 2;
} else {
  let options;
  try {
    options = parseOptions(rest, workload.options);
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${usage()}\n`);
    process.exitCode = 2;
  }
  if (options) await runWorkload(workload, options);
}

async function runWorkload(workload, options) {
  try {
    const log = (line) => process.stderr.write(`${line}\n`);
    const report = await workload.run(options, log);
    const file = await writeReport(workload.name, report);
    process.stdout.write(`\n${workload.format(report)}\n\nreport: ${file}\n`);
  } catch (error) {
    process.stderr.write(`bench ${workload.name} failed: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  }
}
