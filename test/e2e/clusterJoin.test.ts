// Joining a cluster: the cluster's keys, SASL PLAIN (also over TLS), refusals, and `causeway cluster status`.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClusterClient } from '@causeway/transport-amqp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/requireService.js';
import { createTestVhost, rabbitConfig, requireRabbitMqAmqp10, type TestVhost } from '../support/rabbitmq.js';
import { createClusterKeys, memberConfig, startClusterMember, type ClusterKeys } from '../support/startClusterMember.js';
import { pgConfig } from '../support/startTestGateway.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../host/bin/causeway.js', import.meta.url));

/** A TLS terminator in front of RabbitMQ's plain AMQP port, with a certificate made for the test. */
async function startTlsTerminator(dir: string): Promise<{ port: number; caFile: string; server: TlsServer }> {
  const keyFile = join(dir, 'broker.key');
  const caFile = join(dir, 'broker.crt');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost']);
  const server = createTlsServer({ key: await readFile(keyFile), cert: await readFile(caFile) }, (socket) => {
    const upstream = netConnect({ host: rabbitConfig.host, port: rabbitConfig.port });
    socket.pipe(upstream).pipe(socket);
    const drop = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as { port: number }).port, caFile, server };
}

describe('joining a cluster', () => {
  let vhost: TestVhost;
  let keys: ClusterKeys;
  let otherKeys: ClusterKeys;
  let dir: string;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    await requireService('PostgreSQL', pgConfig.host, pgConfig.port);
    await requireRabbitMqAmqp10();
    vhost = await createTestVhost();
    [keys, otherKeys] = await Promise.all([createClusterKeys(), createClusterKeys()]);
    dir = await mkdtemp(join(tmpdir(), 'causeway-join-'));
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await vhost?.delete();
    await rm(dir, { recursive: true, force: true });
    for (const k of [keys, otherKeys]) if (k) await rm(k.dir, { recursive: true, force: true });
  });

  it('refuses a member whose keys differ from the cluster members\' keys, with CW_CLUSTER_KEY_MISMATCH', async () => {
    const cluster = `${vhost.cluster}-keys`;
    const first = await startClusterMember({ vhost: vhost.vhost, cluster, memberId: 'keeper' }, keys);
    stops.push(() => first.stop());
    const started = Date.now();
    const refusal = await startClusterMember({ vhost: vhost.vhost, cluster, memberId: 'stranger' }, otherKeys).then(
      (m) => {
        stops.push(() => m.stop());
        throw new Error('the stranger joined');
      },
      (error: unknown) => error as { code?: string; message: string },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(refusal.code).toBe('CW_CLUSTER_KEY_MISMATCH');
    expect(refusal.message).toContain(`holds key ${otherKeys.keys.keyId}`);
    expect(refusal.message).toContain(`member "keeper" of the cluster holds key ${keys.keys.keyId}`);
    expect(refusal.message).not.toContain(otherKeys.recoveryKey);
    // A member with the cluster's keys joins.
    const second = await startClusterMember({ vhost: vhost.vhost, cluster, memberId: 'colleague' }, keys);
    stops.push(() => second.stop());
    const client = createClusterClient({ url: `amqp://${rabbitConfig.host}:${rabbitConfig.port}`, cluster, vhost: vhost.vhost, username: rabbitConfig.username, password: rabbitConfig.password });
    stops.push(() => client.close());
    expect((await client.status()).members.map((m) => m.memberId)).toEqual(['colleague', 'keeper']);
    // The pinned key id refuses a member before it even connects.
    const pinned = await startClusterMember({ vhost: vhost.vhost, cluster: `${vhost.cluster}-pinned`, memberId: 'pinned', settings: { clusterKeyId: keys.keys.keyId } }, otherKeys).catch((error: unknown) => error as { code?: string; message: string });
    expect(pinned).toMatchObject({ code: 'CW_CLUSTER_KEY_MISMATCH' });
    expect((pinned as Error).message).toContain(`the cluster's key id is ${keys.keys.keyId}`);
  });

  it('sends credentials encrypted to the key the members announce', async () => {
    const cluster = `${vhost.cluster}-creds`;
    const member = await startClusterMember({ vhost: vhost.vhost, cluster, memberId: 'creds-1' }, keys);
    stops.push(() => member.stop());
    const client = createClusterClient({ url: `amqp://${rabbitConfig.host}:${rabbitConfig.port}`, cluster, vhost: vhost.vhost, username: rabbitConfig.username, password: rabbitConfig.password });
    stops.push(() => client.close());
    const stream = await client.run({ dataSource: 'pg', query: { text: 'select current_user::text as who' }, credentials: { username: pgConfig.user, password: 'job-SECRET-never-logged' } });
    expect((await stream.collect()).rows).toEqual([[pgConfig.user]]);
    expect(member.logs.join('\n')).not.toContain('job-SECRET-never-logged');
  });

  it('refuses a wrong password with CW_RELAY_AUTH_FAILED and an unreachable broker with CW_RELAY_UNREACHABLE, naming no secret', async () => {
    process.env.CAUSEWAY_TEST_WRONG_PASSWORD = 'wrong-SECRET-password';
    const wrong = await startClusterMember(
      { vhost: vhost.vhost, cluster: `${vhost.cluster}-auth`, settings: { auth: { username: rabbitConfig.username, passwordEnv: 'CAUSEWAY_TEST_WRONG_PASSWORD' } } },
      keys,
    ).catch((error: unknown) => error as { code?: string; message: string });
    expect(wrong).toMatchObject({ code: 'CW_RELAY_AUTH_FAILED' });
    expect((wrong as Error).message).toContain('amqp://127.0.0.1:5672');
    expect((wrong as Error).message).not.toContain('wrong-SECRET-password');
    const unreachable = await startClusterMember({ vhost: vhost.vhost, cluster: `${vhost.cluster}-auth`, broker: { host: '127.0.0.1', port: 1 } }, keys).catch((error: unknown) => error as { code?: string; message: string });
    expect(unreachable).toMatchObject({ code: 'CW_RELAY_UNREACHABLE' });
    expect((unreachable as Error).message).toContain('ECONNREFUSED');
  });

  it('joins over TLS with SASL PLAIN when the broker certificate verifies, and refuses one that does not', async () => {
    const tls = await startTlsTerminator(dir);
    stops.push(() => new Promise<void>((resolve) => tls.server.close(() => resolve())));
    const cluster = `${vhost.cluster}-tls`;
    const url = `amqps://localhost:${tls.port}`;
    const member = await startClusterMember({ vhost: vhost.vhost, cluster, memberId: 'tls-1', settings: { url, tls: { caFile: tls.caFile } } }, keys);
    stops.push(() => member.stop());
    const client = createClusterClient({ url, cluster, vhost: vhost.vhost, username: rabbitConfig.username, password: rabbitConfig.password, tls: { ca: await readFile(tls.caFile) } });
    stops.push(() => client.close());
    expect((await (await client.run({ dataSource: 'pg', query: { text: 'select 7 as n' } })).collect()).rows).toEqual([[7]]);
    const untrusted = await startClusterMember({ vhost: vhost.vhost, cluster, memberId: 'tls-untrusted', settings: { url } }, keys).catch((error: unknown) => error as { code?: string; message: string });
    expect(untrusted).toMatchObject({ code: 'CW_RELAY_UNREACHABLE' });
    expect((untrusted as Error).message).toMatch(/TLS handshake with the broker at amqps:\/\/localhost:\d+ failed/);
  });

  it('shows members, versions, jobs in flight and last seen with `causeway cluster status`', async () => {
    const cluster = `${vhost.cluster}-cli`;
    const members = await Promise.all(['cli-1', 'cli-2'].map((memberId) => startClusterMember({ vhost: vhost.vhost, cluster, memberId, concurrentJobs: 3 }, keys)));
    for (const m of members) stops.push(() => m.stop());
    const configFile = join(dir, 'gateway.config.json');
    await writeFile(configFile, JSON.stringify(memberConfig({ vhost: vhost.vhost, cluster, memberId: 'cli-admin' }, keys, join(dir, 'data'))));
    const text = (await run(process.execPath, [CLI, 'cluster', 'status', '--config', configFile], { env: process.env })).stdout;
    expect(text).toContain(`cluster "${cluster}": 2 member(s), 0 of 6 job slots in use`);
    for (const id of ['cli-1', 'cli-2']) expect(text).toMatch(new RegExp(`${id}.*0\\.1\\.0.*ok.*${keys.keys.keyId}.*ms ago`));
    const json = JSON.parse((await run(process.execPath, [CLI, 'cluster', 'status', '--json', '--config', configFile], { env: process.env })).stdout) as { cluster: string; members: Array<{ memberId: string; capacity: number; version: string; lastSeen: string }> };
    expect(json.cluster).toBe(cluster);
    expect(json.members.map((m) => [m.memberId, m.capacity])).toEqual([
      ['cli-1', 3],
      ['cli-2', 3],
    ]);
    // A websocket gateway has no cluster: the command says so with a coded error.
    const wsConfig = join(dir, 'ws.config.json');
    await writeFile(wsConfig, JSON.stringify({ gatewayId: 'ws', keyFile: keys.keyFile, relay: { settings: { url: 'ws://127.0.0.1:9' } }, dataSources: {} }));
    const failure = await run(process.execPath, [CLI, 'cluster', 'status', '--config', wsConfig]).catch((error: { stderr: string; code: number }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('CW_CONFIG_INVALID: relay transport "websocket" does not form clusters');
  });
});
