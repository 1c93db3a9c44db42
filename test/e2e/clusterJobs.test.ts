// A cluster of three hosts on RabbitMQ (AMQP 1.0): jobs spread by free capacity, results whole.
import { createClusterClient, type ClusterClient } from '@causeway/transport-amqp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/requireService.js';
import { createTestVhost, rabbitConfig, requireRabbitMqAmqp10, type TestVhost } from '../support/rabbitmq.js';
import { createClusterKeys, startClusterMember, type ClusterKeys, type TestMember } from '../support/startClusterMember.js';
import { pgConfig, waitFor } from '../support/startTestGateway.js';

describe('a cluster of three members', () => {
  let vhost: TestVhost;
  let keys: ClusterKeys;
  let members: TestMember[] = [];
  let client: ClusterClient;

  beforeAll(async () => {
    await requireService('PostgreSQL', pgConfig.host, pgConfig.port);
    await requireRabbitMqAmqp10();
    vhost = await createTestVhost();
    keys = await createClusterKeys();
    members = await Promise.all([1, 2, 3].map((n) => startClusterMember({ vhost: vhost.vhost, cluster: vhost.cluster, memberId: `member-${n}`, concurrentJobs: 4 }, keys)));
    client = createClusterClient({ url: `amqp://${rabbitConfig.host}:${rabbitConfig.port}`, cluster: vhost.cluster, vhost: vhost.vhost, username: rabbitConfig.username, password: rabbitConfig.password, resultTimeoutMs: 60_000 });
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all(members.map((m) => m.stop()));
    await vhost?.delete();
  });

  it('runs 300 jobs spread over all three members, each result whole and correct', async () => {
    const JOBS = 300;
    const results = await Promise.all(
      Array.from({ length: JOBS }, async (_, i) => {
        const n = 20 + (i % 37);
        const stream = await client.run({
          dataSource: 'pg',
          query: { text: 'select g::int8 as id, md5(g::text) as h, $1::int as job from generate_series(1, $2::int) as g order by g', parameters: [i, n] },
          options: { batchRows: 7 },
        });
        const { rows, summary } = await stream.collect();
        return { i, n, rows, summary, runs: stream.runs() };
      }),
    );
    const { createHash } = await import('node:crypto');
    for (const { i, n, rows, summary, runs } of results) {
      expect(summary.rows).toBe(n);
      expect(rows).toHaveLength(n);
      rows.forEach((row, k) => {
        expect(row).toEqual([BigInt(k + 1), createHash('md5').update(String(k + 1)).digest('hex'), i]);
      });
      expect(runs).toHaveLength(1);
    }
    // A member's job:end comes just after its last result message was settled: wait for the last few.
    await waitFor(() => members.reduce((sum, m) => sum + m.reports.length, 0) >= JOBS, 10_000, 'every job report');
    const byMember = new Map(members.map((m) => [m.memberId, m.reports.filter((r) => r.outcome === 'ok').length]));
    const total = [...byMember.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(JOBS);
    // Competing consumers with credit = free slots: every member takes a real share, none takes all.
    for (const [memberId, count] of byMember) expect(count, `jobs run by ${memberId}`).toBeGreaterThan(JOBS / 10);
    // Which member answered is what the client saw too.
    const answeredBy = new Set(results.map((r) => r.runs[0]!.memberId));
    expect(answeredBy).toEqual(new Set(members.map((m) => m.memberId)));
    // No member ever held more jobs than its four slots: the broker delivered within the credit.
    for (const m of members) {
      expect(m.maxHeld, `most jobs ${m.memberId} held at once`).toBeLessThanOrEqual(4);
      expect(m.logs.some((l) => l.includes('beyond the credit'))).toBe(false);
    }
  });

  it('shows the members, their versions, capacity and last announcement in the cluster status', async () => {
    // Members announce every 500 ms here: the counters catch up with the last jobs within an interval or two.
    let status = await client.status();
    await waitFor(async () => (status = await client.status()).members.reduce((sum, m) => sum + m.jobsDone, 0) >= 300, 5000, 'announced job counts');
    expect(status.cluster).toBe(vhost.cluster);
    expect(status.members.map((m) => m.memberId)).toEqual(['member-1', 'member-2', 'member-3']);
    for (const m of status.members) {
      expect(m.keyId).toBe(keys.keys.keyId);
      expect(m.capacity).toBe(4);
      expect(m.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(['ok', 'busy']).toContain(m.health);
      expect(Date.now() - Date.parse(m.lastSeen)).toBeLessThan(5000);
    }
    expect(status.members.reduce((sum, m) => sum + m.jobsDone, 0)).toBe(300);
    expect(status.members.every((m) => m.jobsDone > 0 && m.jobsFailed === 0 && m.jobsInFlight === 0)).toBe(true);
  });
});
