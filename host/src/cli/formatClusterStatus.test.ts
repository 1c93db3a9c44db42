import { describe, expect, it } from 'vitest';
import { ago, formatClusterStatus } from './formatClusterStatus.js';

const member = (memberId: string, extra: Record<string, unknown> = {}) => ({
  memberId,
  version: '0.1.0',
  keyId: 'KEY-A',
  capacity: 4,
  jobsInFlight: 1,
  health: 'ok' as const,
  startedAt: '2026-11-23T10:00:00.000Z',
  lastSeen: '2026-11-23T10:05:00.000Z',
  jobsDone: 12,
  jobsFailed: 1,
  ...extra,
});

describe('formatClusterStatus', () => {
  it('prints one row per member with version, health, jobs in flight and when it was last seen', () => {
    const now = Date.parse('2026-11-23T10:05:03.000Z');
    const text = formatClusterStatus({ cluster: 'sales', members: [member('m-1'), member('m-2', { health: 'busy', jobsInFlight: 4, lastSeen: '2026-11-23T10:04:59.500Z' })] }, now);
    expect(text).toContain('cluster "sales": 2 member(s), 5 of 8 job slots in use');
    const rows = text.split('\n').filter((l) => l.includes('m-1') || l.includes('m-2'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/m-1.*0\.1\.0.*ok.*1.*4.*12.*1.*KEY-A.*3 s ago/);
    expect(rows[1]).toMatch(/m-2.*busy.*4.*4.*KEY-A.*4 s ago/);
    expect(text).not.toContain('warning');
  });

  it('says when no member announced itself, and warns when members hold different keys', () => {
    expect(formatClusterStatus({ cluster: 'sales', members: [] }, 0)).toBe('cluster "sales": no member has announced itself recently\n');
    const text = formatClusterStatus({ cluster: 'sales', members: [member('m-1'), member('m-2', { keyId: 'KEY-B' })] }, Date.parse('2026-11-23T10:05:00.000Z'));
    expect(text).toContain('warning: members hold different keys (KEY-A, KEY-B)');
  });

  it('writes durations for people', () => {
    expect(ago(800)).toBe('800 ms ago');
    expect(ago(12_400)).toBe('12 s ago');
    expect(ago(180_000)).toBe('3 min ago');
    expect(ago(-5)).toBe('0 ms ago');
  });
});
