// The amqp transport against RabbitMQ through the relay-transport contract alone (no host): credit
// follows the session's free capacity, results reach the reply address, close() hands jobs back.
import { createFrameEncoder } from '@causeway/protocol';
import type { FrameSource, JobDelivery, Logger, RelayHandler, RelayLink, RelaySession, SpooledFrame } from '@causeway/sdk';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdOf } from '@causeway/protocol';
import { createTestVhost, rabbitConfig, requireRabbitMqAmqp10, TEST_PASSWORD_ENV, type TestVhost } from '../../../test/support/rabbitmq.js';
import { amqpTransport } from './amqpTransport.js';
import { createClusterClient, type ClusterClient } from './client/createClusterClient.js';

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

async function waitFor(predicate: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A host stand-in: `capacity` slots, jobs kept until the test answers them. */
function fakeHost(memberId: string, capacity: number) {
  let used = 0;
  const listeners = new Set<() => void>();
  const jobs: JobDelivery[] = [];
  const session: RelaySession = {
    gatewayId: memberId,
    keyId: keyIdOf(publicKey),
    publicKey,
    sign: () => new Uint8Array(),
    freeCapacity: () => capacity - used,
    capacity,
    onCapacityFreed: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    hostVersion: '9.9.9',
  };
  const handler: RelayHandler = {
    onJob(delivery) {
      used++;
      jobs.push(delivery);
    },
    onCancel() {},
  };
  /** Answers a job with a one-row result and frees its slot once the broker has it. */
  const answer = async (delivery: JobDelivery, value: string) => {
    const enc = createFrameEncoder('msgpack');
    const frames: SpooledFrame[] = [enc.schema(0, [{ name: 'v', type: 'string' }]), enc.rows(1, [[value]]), enc.end(2, { rows: 1, bytes: 0, timings: {} })].map((data, seq) => ({ seq, data }));
    const source: FrameSource = {
      async *read(from) {
        yield* frames.filter((f) => f.seq >= from);
      },
      async acknowledge() {},
    };
    await delivery.respond(source);
    used--;
    for (const l of listeners) l();
  };
  return { session, handler, jobs, answer };
}

async function transport(vhost: TestVhost) {
  return amqpTransport.create({
    logger: silent,
    plugin: {
      pluginId: 'amqp',
      version: '0.1.0',
      directory: '.',
      dataDirectory: '.',
      baseDir: '.',
      settings: { url: `amqp://${rabbitConfig.host}:${rabbitConfig.port}`, cluster: vhost.cluster, vhost: vhost.vhost, auth: { username: rabbitConfig.username, passwordEnv: TEST_PASSWORD_ENV }, statusIntervalMs: 300 },
    },
  });
}

describe('amqp transport', () => {
  let vhost: TestVhost;
  let client: ClusterClient;
  const links: RelayLink[] = [];

  beforeAll(async () => {
    await requireRabbitMqAmqp10();
    vhost = await createTestVhost();
    client = createClusterClient({ url: `amqp://${rabbitConfig.host}:${rabbitConfig.port}`, cluster: vhost.cluster, vhost: vhost.vhost, username: rabbitConfig.username, password: rabbitConfig.password, resultTimeoutMs: 20_000 });
  });

  afterAll(async () => {
    await client?.close();
    for (const link of links) await link.close().catch(() => undefined);
    await vhost?.delete();
  });

  it('takes only as many jobs as the host has free slots, more as slots free, and answers to the reply address', async () => {
    const host = fakeHost('t-1', 2);
    const t = await transport(vhost);
    const link = await t.connect(host.session, host.handler);
    const streams = await Promise.all([0, 1, 2, 3, 4].map((i) => client.run({ dataSource: 'x', query: { text: `job ${i}` } })));
    await waitFor(() => host.jobs.length === 2, 5000, 'two jobs');
    await new Promise((r) => setTimeout(r, 300));
    expect(host.jobs).toHaveLength(2); // the other three wait on the broker
    for (let answered = 0; answered < 5; answered++) {
      await waitFor(() => host.jobs.length > answered, 5000, `job ${answered + 1}`);
      const delivery = host.jobs[answered]!;
      expect(delivery.revoked?.aborted).toBe(false);
      await host.answer(delivery, `answer to ${(delivery.body as { query: { text: string } }).query.text}`);
      expect(host.jobs.length - (answered + 1)).toBeLessThanOrEqual(2);
    }
    for (const [i, stream] of streams.entries()) expect((await stream.collect()).rows).toEqual([[`answer to job ${i}`]]);
    await link.close();
  });

  it('hands held jobs back when the link closes, so another member gets them', async () => {
    const leaving = fakeHost('t-leaving', 3);
    const t = await transport(vhost);
    const link = await t.connect(leaving.session, leaving.handler);
    const stream = await client.run({ dataSource: 'x', query: { text: 'handed back' } });
    await waitFor(() => leaving.jobs.length === 1, 5000, 'the job');
    await link.close();
    // The member said so on its way out (until its announcements expire).
    expect((await t.clusterStatus!()).members.find((m) => m.memberId === 't-leaving')).toMatchObject({ health: 'stopping', jobsInFlight: 0 });
    expect(leaving.jobs[0]!.revoked?.aborted).toBe(true);
    expect(leaving.jobs[0]!.revoked?.reason).toMatchObject({ code: 'CW_SHUTTING_DOWN' });
    await expect(leaving.answer(leaving.jobs[0]!, 'too late')).rejects.toMatchObject({ code: 'CW_SHUTTING_DOWN' });
    const staying = fakeHost('t-staying', 3);
    const t2 = await transport(vhost);
    links.push(await t2.connect(staying.session, staying.handler));
    await waitFor(() => staying.jobs.length === 1, 5000, 'the handed-back job');
    await staying.answer(staying.jobs[0]!, 'from the staying member');
    expect((await stream.collect()).rows).toEqual([['from the staying member']]);
    expect(stream.runs().map((r) => r.memberId)).toEqual(['t-staying']);
  });

  it('reports the members through clusterStatus, with the host version and capacity', async () => {
    const t = await transport(vhost);
    // Announcements go out every 300 ms here: wait for the one after the last job.
    let status = await t.clusterStatus!();
    const done = () => status.members.find((m) => m.memberId === 't-staying')?.jobsDone === 1;
    for (let i = 0; i < 20 && !done(); i++) status = await t.clusterStatus!();
    expect(status.cluster).toBe(vhost.cluster);
    const members = Object.fromEntries(status.members.map((m) => [m.memberId, m]));
    expect(members['t-staying']).toMatchObject({ version: '9.9.9', capacity: 3, keyId: keyIdOf(publicKey), health: 'ok', jobsDone: 1, jobsInFlight: 0 });
  });
});
