// What goes wrong in a cluster and how it recovers: a dropped broker connection, poison jobs, a
// member leaving mid-job, a cancelled reader.
import { browseQueue, openBrokerConnection, JOB_PROPERTIES } from '@causeway/transport-amqp';
import { createClusterClient, type ClusterClient } from '@causeway/transport-amqp/client';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCuttableProxy, type CuttableProxy } from '../support/createCuttableProxy.js';
import { requireService } from '../support/requireService.js';
import { createTestVhost, rabbitConfig, requireRabbitMqAmqp10, type TestVhost } from '../support/rabbitmq.js';
import { createClusterKeys, startClusterMember, type ClusterKeys } from '../support/startClusterMember.js';
import { pgConfig, waitFor } from '../support/startTestGateway.js';

const md5 = (n: number) => createHash('md5').update(String(n)).digest('hex');
/** `rows` deterministic rows at a bounded pace (50 ms per 1,000), so a job is still running when something happens. */
const slowQuery = (rows: number) => `select g::int8 as id, md5(g::text) as h from generate_series(1, ${rows}) as g where g % 1000 <> 0 or pg_sleep(0.05) is not null`;

describe('a cluster when things go wrong', () => {
  let vhost: TestVhost;
  let keys: ClusterKeys;
  let client: ClusterClient;
  const stops: Array<() => Promise<void>> = [];
  const clientFor = (cluster: string) =>
    createClusterClient({ url: `amqp://${rabbitConfig.host}:${rabbitConfig.port}`, cluster, vhost: vhost.vhost, username: rabbitConfig.username, password: rabbitConfig.password, resultTimeoutMs: 60_000 });

  beforeAll(async () => {
    await requireService('PostgreSQL', pgConfig.host, pgConfig.port);
    await requireRabbitMqAmqp10();
    vhost = await createTestVhost();
    keys = await createClusterKeys();
  });

  afterAll(async () => {
    await client?.close();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await vhost?.delete();
  });

  it('reconnects members after the broker connection drops; a running job and jobs queued meanwhile complete', async () => {
    const cluster = `${vhost.cluster}-cut`;
    const proxy: CuttableProxy = await createCuttableProxy(rabbitConfig);
    stops.push(() => proxy.close());
    const members = await Promise.all(
      ['cut-1', 'cut-2'].map((memberId) => startClusterMember({ vhost: vhost.vhost, cluster, memberId, concurrentJobs: 2, broker: proxy }, keys)),
    );
    for (const m of members) stops.push(() => m.stop());
    const states: string[] = [];
    for (const m of members) m.host.on('relay:state', ({ state }) => states.push(`${m.memberId}:${state}`));
    client = clientFor(cluster);

    const long = await client.run({ dataSource: 'pg', query: { text: slowQuery(40_000) }, options: { batchRows: 1000 } });
    let longRead = 0;
    const longRows = (async () => {
      let expected = 1n;
      for await (const batch of long.rows()) {
        for (const row of batch) expect(row[0]).toBe(expected++);
        longRead += batch.length;
      }
      return Number(expected - 1n);
    })();
    // Cut while the long job streams (it takes two seconds at least).
    await waitFor(() => longRead >= 3000, 10_000, 'the long job to stream');

    proxy.cut();
    await waitFor(() => members.every((m) => states.includes(`${m.memberId}:reconnecting`)), 10_000, 'both members to notice');
    // Jobs submitted while no member is connected wait on the broker.
    const queued = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.run({ dataSource: 'pg', query: { text: 'select $1::int as n, md5($1::text) as h', parameters: [i] } })),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(members.every((m) => queued.every((q) => !m.started.includes(q.jobId)))).toBe(true);
    proxy.restore();

    const results = await Promise.all(queued.map((q) => q.collect()));
    results.forEach(({ rows }, i) => expect(rows).toEqual([[i, md5(i)]]));
    // The long job was taken back at the cut and run again after the reconnect: every row once, in order.
    expect(await longRows).toBe(40_000);
    expect(long.summary()?.rows).toBe(40_000);
    expect(long.runs().length).toBeGreaterThanOrEqual(2);
    for (const m of members) expect(states.lastIndexOf(`${m.memberId}:connected`)).toBeGreaterThan(states.indexOf(`${m.memberId}:reconnecting`));
    expect(proxy.connections).toBeGreaterThanOrEqual(4);
  });

  it('dead-letters poison jobs with their error after bounded attempts, without blocking the queue', async () => {
    const cluster = `${vhost.cluster}-poison`;
    const settings = { maxAttempts: 3, connectTimeoutMs: 2000 };
    const members = await Promise.all(['p-1', 'p-2'].map((memberId) => startClusterMember({ vhost: vhost.vhost, cluster, memberId, concurrentJobs: 2, settings }, keys)));
    for (const m of members) stops.push(() => m.stop());
    const poisonClient = clientFor(cluster);
    stops.push(() => poisonClient.close());

    const broker = await openBrokerConnection({ host: rabbitConfig.host, port: rabbitConfig.port, tls: false, hostname: `vhost:${vhost.vhost}`, username: rabbitConfig.username, password: rabbitConfig.password });
    stops.push(() => broker.close());
    const sender = await broker.connection.createAwaitableSender({ target: { address: `/queue/${cluster}.jobs`, durable: 2 } });
    // No reply address: nobody can be told, so it can only be retried and dead-lettered.
    await sender.send({ message_id: 'poison-no-reply-1', body: Buffer.from('{"jobId":"poison-no-reply-1"}'), durable: true });
    // Not JSON at all.
    await sender.send({ message_id: 'poison-garbage-2', reply_to: `/amq/queue/${poisonClient.replyQueue}`, body: Buffer.from([0xff, 0x00, 0x13]), durable: true });
    // A reply address the broker refuses to attach to: the results cannot be delivered.
    await sender.send({
      message_id: 'poison-bad-reply-3',
      reply_to: '/exchange/no-such-exchange/x',
      body: Buffer.from(JSON.stringify({ jobId: 'poison-bad-reply-3', dataSource: 'pg', query: { text: 'select 1' } })),
      durable: true,
    });
    // Good jobs behind the poison are not blocked.
    const good = await Promise.all(Array.from({ length: 6 }, (_, i) => poisonClient.run({ dataSource: 'pg', query: { text: 'select $1::int as n', parameters: [i] } })));
    const goodRows = await Promise.all(good.map((g) => g.collect()));
    goodRows.forEach(({ rows }, i) => expect(rows).toEqual([[i]]));

    let dead: Awaited<ReturnType<typeof browseQueue>> = [];
    await waitFor(async () => (dead = await browseQueue(broker, `/queue/${cluster}.dead`, { quietMs: 150, durable: true })).length >= 3, 30_000, 'three dead-lettered jobs');
    const byId = new Map(dead.map((m) => [m.message_id as string, m.application_properties ?? {}]));
    expect([...byId.keys()].sort()).toEqual(['poison-bad-reply-3', 'poison-garbage-2', 'poison-no-reply-1']);
    expect(byId.get('poison-no-reply-1')).toMatchObject({ [JOB_PROPERTIES.attempts]: 3, [JOB_PROPERTIES.errorCode]: 'CW_JOB_INVALID' });
    expect(byId.get('poison-no-reply-1')![JOB_PROPERTIES.errorMessage]).toContain('no reply-to address');
    expect(byId.get('poison-garbage-2')).toMatchObject({ [JOB_PROPERTIES.attempts]: 3, [JOB_PROPERTIES.errorCode]: 'CW_JOB_INVALID' });
    expect(byId.get('poison-garbage-2')![JOB_PROPERTIES.errorMessage]).toContain('not JSON');
    expect(byId.get('poison-bad-reply-3')).toMatchObject({ [JOB_PROPERTIES.attempts]: 3, [JOB_PROPERTIES.errorCode]: 'CW_RELAY_UNREACHABLE' });
    expect(byId.get('poison-bad-reply-3')![JOB_PROPERTIES.errorMessage]).toContain('/exchange/no-such-exchange/x');
    for (const props of byId.values()) expect(['p-1', 'p-2']).toContain(props[JOB_PROPERTIES.deadLetteredBy]);
    // Bounded: each poison job was tried exactly maxAttempts times over the whole cluster.
    const logs = members.flatMap((m) => m.logs);
    for (const id of byId.keys()) {
      const tries = logs.filter((l) => l.includes(id) && (l.includes('sent back to the job queue') || l.includes('"msg":"job dead-lettered"'))).length;
      expect(tries, `attempts at ${id}`).toBe(3);
    }
    // The job with a bad reply address reached the host each time; the others never did.
    expect(members.flatMap((m) => m.started).filter((id) => id === 'poison-bad-reply-3')).toHaveLength(3);
    expect(members.flatMap((m) => m.started).filter((id) => id.startsWith('poison-') && id !== 'poison-bad-reply-3')).toEqual([]);
  });

  it('hands a running job to another member when its member stops, with no shutdown error for the client', async () => {
    const cluster = `${vhost.cluster}-leave`;
    const leaving = await startClusterMember({ vhost: vhost.vhost, cluster, memberId: 'leaving', concurrentJobs: 2 }, keys);
    stops.push(() => leaving.stop());
    const leaveClient = clientFor(cluster);
    stops.push(() => leaveClient.close());
    const stream = await leaveClient.run({ dataSource: 'pg', query: { text: slowQuery(40_000) }, options: { batchRows: 1000 } });
    await waitFor(() => leaving.started.includes(stream.jobId), 10_000, 'the first member to take the job');
    const staying = await startClusterMember({ vhost: vhost.vhost, cluster, memberId: 'staying', concurrentJobs: 2 }, keys);
    stops.push(() => staying.stop());
    let expected = 1n;
    let stopped: Promise<void> | undefined;
    for await (const batch of stream.rows()) {
      for (const row of batch) expect(row[0]).toBe(expected++);
      if (!stopped && expected > 3000n) stopped = leaving.stop();
    }
    await stopped;
    expect(expected).toBe(40_001n);
    expect(stream.summary()?.rows).toBe(40_000);
    expect(stream.runs().map((r) => r.memberId)).toEqual(['leaving', 'staying']);
    // The leaving member stopped its run (its connector reports the abort as a cancel); the client saw none of it.
    expect(leaving.reports.find((r) => r.jobId === stream.jobId)?.outcome).not.toBe('ok');
    await waitFor(() => staying.reports.some((r) => r.jobId === stream.jobId), 10_000, "the staying member's report");
    expect(staying.reports.find((r) => r.jobId === stream.jobId)?.outcome).toBe('ok');
  });

  it('cancels the job on its member when the reader stops early', async () => {
    const cluster = `${vhost.cluster}-cancel`;
    const member = await startClusterMember({ vhost: vhost.vhost, cluster, memberId: 'cancel-1', concurrentJobs: 2 }, keys);
    stops.push(() => member.stop());
    const cancelClient = clientFor(cluster);
    stops.push(() => cancelClient.close());
    const stream = await cancelClient.run({ dataSource: 'pg', query: { text: slowQuery(50_000) }, options: { batchRows: 1000 } });
    let seen = 0;
    for await (const batch of stream.rows()) {
      seen += batch.length;
      if (seen >= 2000) break;
    }
    await waitFor(() => member.reports.some((r) => r.jobId === stream.jobId), 10_000, 'the cancelled job to end');
    expect(member.reports.find((r) => r.jobId === stream.jobId)?.outcome).toBe('CW_JOB_CANCELLED');
    // The slot is free again: the next job runs.
    const next = await cancelClient.run({ dataSource: 'pg', query: { text: 'select 42 as answer' } });
    expect((await next.collect()).rows).toEqual([[42]]);
  });
});
