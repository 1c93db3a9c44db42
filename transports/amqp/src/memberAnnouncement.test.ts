import { describe, expect, it } from 'vitest';
import { announcementMessage, latestAnnouncements, memberStatus, readAnnouncement, type MemberAnnouncement } from './memberAnnouncement.js';

const base: MemberAnnouncement = {
  type: 'causeway-member',
  v: 1,
  cluster: 'sales',
  memberId: 'm-1',
  version: '0.1.0',
  transportVersion: '0.1.0',
  keyId: 'KEY',
  publicKey: 'PEM',
  capacity: 4,
  jobsInFlight: 1,
  health: 'ok',
  startedAt: '2026-11-23T10:00:00.000Z',
  lastSeen: '2026-11-23T10:00:10.000Z',
  jobsDone: 5,
  jobsFailed: 0,
  ttlMs: 15_000,
};

describe('member announcements', () => {
  it('travel as JSON with a time to live and read back', () => {
    const message = announcementMessage(base);
    expect(message).toMatchObject({ ttl: 15_000, subject: 'causeway-member', application_properties: { 'cw-member': 'm-1' } });
    expect(readAnnouncement(message)).toEqual(base);
    expect(readAnnouncement({ body: 'not json' })).toBeUndefined();
    expect(readAnnouncement({ body: JSON.stringify({ ...base, capacity: 'four' }) })).toBeUndefined();
    expect(readAnnouncement({ body: JSON.stringify({ ...base, v: 2 }) })).toBeUndefined();
  });

  it('keep the newest per member of the cluster, dropping expired ones and other clusters', () => {
    const now = Date.parse('2026-11-23T10:00:20.000Z');
    const older = { ...base, lastSeen: '2026-11-23T10:00:05.000Z', jobsDone: 1 };
    const expired = { ...base, memberId: 'm-2', lastSeen: '2026-11-23T10:00:01.000Z' };
    const other = { ...base, memberId: 'm-3', cluster: 'hr' };
    const m0 = { ...base, memberId: 'm-0' };
    expect(latestAnnouncements([older, base, expired, other, m0], 'sales', now).map((a) => [a.memberId, a.jobsDone])).toEqual([
      ['m-0', 5],
      ['m-1', 5],
    ]);
    expect(memberStatus(base)).not.toHaveProperty('publicKey');
  });
});
