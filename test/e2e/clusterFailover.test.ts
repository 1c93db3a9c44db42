// A member SIGKILLed while it streams a 100,000-row result: the broker redelivers the unsettled job to
// another member, which runs it again; the client shows every row once, in order.
import { createClusterClient, type ClusterClient } from '@causeway/transport-amqp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/requireService.js';
import { createTestVhost, rabbitConfig, requireRabbitMqAmqp10, type TestVhost } from '../support/rabbitmq.js';
import { createClusterKeys, startChildMember, startClusterMember, type ChildMember, type ClusterKeys, type TestMember } from '../support/startClusterMember.js';
import { pgConfig, waitFor } from '../support/startTestGateway.js';

const ROWS = 100_000;
// Deterministic rows (generate_series yields them in order), produced at a bounded pace: 50 ms every
// 1,000 rows, so the first member is still streaming when it is killed.
const QUERY = `select g::int8 as id, md5(g::text) as h from generate_series(1, ${ROWS}) as g where g % 1000 <> 0 or pg_sleep(0.05) is not null`;

describe('failover of a streaming job', () => {
  let vhost: TestVhost;
  let keys: ClusterKeys;
  let client: ClusterClient;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    await requireService('PostgreSQL', pgConfig.host, pgConfig.port);
    await requireRabbitMqAmqp10();
    vhost = await createTestVhost();
    keys = await createClusterKeys();
    client = createClusterClient({ url: `amqp://${rabbitConfig.host}:${rabbitConfig.port}`, cluster: vhost.cluster, vhost: vhost.vhost, username: rabbitConfig.username, password: rabbitConfig.password, resultTimeoutMs: 60_000 });
  });

  afterAll(async () => {
    await client?.close();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await vhost?.delete();
  });

  it('completes on another member after a SIGKILL mid-stream, every row exactly once and in order', async () => {
    // Small result messages: each frame is split into several parts, so the kill lands mid-frame too.
    const settings = { maxMessageBytes: 16 * 1024 };
    const first: ChildMember = await startChildMember({ vhost: vhost.vhost, cluster: vhost.cluster, memberId: 'doomed', concurrentJobs: 2, settings }, keys);
    stops.push(() => first.stop());
    const stream = await client.run({ dataSource: 'pg', query: { text: QUERY }, options: { batchRows: 1000 } });
    await waitFor(() => first.started.includes(stream.jobId), 10_000, 'the first member to take the job');
    // The survivor joins while the first member holds the job: the queue is empty, so it waits for the redelivery.
    const survivor: TestMember = await startClusterMember({ vhost: vhost.vhost, cluster: vhost.cluster, memberId: 'survivor', concurrentJobs: 2, settings }, keys);
    stops.push(() => survivor.stop());

    let expected = 1n;
    let rows = 0;
    let killedAt: number | undefined;
    let rowsAtKill = 0;
    const arrivals: Array<{ at: number; rows: number }> = [];
    let takenOverAt: number | undefined;
    const watch = setInterval(() => {
      if (killedAt !== undefined && takenOverAt === undefined && stream.runs().length > 1) takenOverAt = performance.now();
    }, 2);
    try {
      for await (const batch of stream.rows()) {
        for (const row of batch) {
          expect(row[0]).toBe(expected);
          expected++;
        }
        rows += batch.length;
        arrivals.push({ at: performance.now(), rows });
        // Kill early: under a loaded CI machine the client can lag seconds behind the member, and a
        // member that has already sent the whole result leaves nothing to fail over.
        if (killedAt === undefined && rows >= 5_000) {
          expect(stream.runs().map((r) => r.memberId)).toEqual(['doomed']);
          first.child.kill('SIGKILL');
          killedAt = performance.now();
          rowsAtKill = rows;
        }
      }
    } finally {
      clearInterval(watch);
    }

    expect(killedAt).toBeDefined();
    expect(rowsAtKill).toBeLessThan(ROWS);
    expect(rows).toBe(ROWS);
    expect(expected).toBe(BigInt(ROWS) + 1n);
    expect(stream.summary()?.rows).toBe(ROWS);
    // Two runs: the killed member's, then the survivor's, which ran the query again from the start.
    const runs = stream.runs();
    expect(runs.map((r) => r.memberId)).toEqual(['doomed', 'survivor']);
    // The first run delivered the schema and some batch frames; the second the rest and the end
    // frame: together, each frame of one run once (both runs cut the rows into the same frames).
    const firstBatchFrames = runs[0]!.framesDelivered - 1;
    const rowsFromFirst = firstBatchFrames > 0 ? arrivals[firstBatchFrames - 1]!.rows : 0;
    expect(rowsFromFirst).toBeGreaterThanOrEqual(rowsAtKill);
    await waitFor(() => survivor.reports.some((r) => r.jobId === stream.jobId), 10_000, "the survivor's job report");
    const survivorReport = survivor.reports.find((r) => r.jobId === stream.jobId)!;
    expect(survivorReport).toMatchObject({ outcome: 'ok', rows: ROWS });
    expect(runs[0]!.framesDelivered + runs[1]!.framesDelivered).toBe(survivorReport.frames);
    expect(first.reports.some((r) => r.jobId === stream.jobId)).toBe(false);
    const takeover = Math.round((takenOverAt ?? Number.NaN) - killedAt!);
    const resumed = Math.round(arrivals.find((a) => a.rows > rowsFromFirst)!.at - killedAt!);
    console.log(`failover: SIGKILL at ${rowsAtKill} rows read (${rowsFromFirst} delivered by the killed member); first message of the new run after ${takeover} ms; new rows after ${resumed} ms`);
  });
});
