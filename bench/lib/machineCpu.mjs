import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

function readCpuLine() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [, ...fields] = line.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal ...: idle and iowait are the not-busy part.
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - fields[3] - fields[4], total };
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring how busy the whole machine is (Linux /proc/stat). `stop()` gives the mean number
 * of busy cores since the start, or null where /proc/stat is missing. Compared with the bench's own
 * CPU time it shows whether other work shared the machine during a run.
 */
export function measureMachineCpu() {
  const start = readCpuLine();
  return {
    stop() {
      const end = readCpuLine();
      if (!start || !end || end.total === start.total) return null;
      return Math.round(((end.busy - start.busy) / (end.total - start.total)) * cpus().length * 100) / 100;
    },
  };
}
