import type { ClusterStatus } from '@causeway/sdk';
import Table from 'cli-table3';

/** How long ago, for people: "800 ms ago", "12 s ago", "3 min ago". */
export function ago(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms ago`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s ago`;
  return `${Math.round(ms / 60_000)} min ago`;
}

/** The text `causeway cluster status` prints: one line per member, newest announcement each. */
export function formatClusterStatus(status: ClusterStatus, now: number): string {
  if (status.members.length === 0) return `cluster "${status.cluster}": no member has announced itself recently\n`;
  const keys = new Set(status.members.map((m) => m.keyId));
  const table = new Table({
    head: ['member', 'version', 'health', 'jobs in flight', 'capacity', 'done', 'failed', 'key id', 'up since', 'last seen'],
    style: { head: [], border: [] },
  });
  for (const m of status.members) {
    table.push([m.memberId, m.version, m.health, String(m.jobsInFlight), String(m.capacity), String(m.jobsDone), String(m.jobsFailed), m.keyId, m.startedAt, ago(now - Date.parse(m.lastSeen))]);
  }
  const capacity = status.members.reduce((sum, m) => sum + m.capacity, 0);
  const inFlight = status.members.reduce((sum, m) => sum + m.jobsInFlight, 0);
  const lines = [`cluster "${status.cluster}": ${status.members.length} member(s), ${inFlight} of ${capacity} job slots in use`, table.toString()];
  if (keys.size > 1) lines.push(`warning: members hold different keys (${[...keys].join(', ')}); jobs with credentials fail on some of them`);
  return lines.join('\n') + '\n';
}
