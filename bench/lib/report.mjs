import { mkdir, writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mb } from './stats.mjs';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** What the figures depend on: CPU, memory, OS, Node, and how busy the machine was at the start. */
export function machineInfo() {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    totalMemoryMB: mb(totalmem()),
    platform: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Writes `results/<workload>-<timestamp>.json` and `results/latest.json`; returns the first path. */
export async function writeReport(workload, report) {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const file = `${RESULTS_DIR}${workload}-${stamp}.json`;
  const text = JSON.stringify(report, null, 2) + '\n';
  await writeFile(file, text);
  await writeFile(`${RESULTS_DIR}latest.json`, text);
  return file;
}

/** Formats rows of cells as an aligned text table (first row is the header). */
export function formatTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
