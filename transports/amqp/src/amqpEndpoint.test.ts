import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEndpoint, resolveEndpoint, toConnectionOptions } from './amqpEndpoint.js';
import { readAmqpSettings } from './readAmqpSettings.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causeway-amqp-endpoint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('toConnectionOptions', () => {
  it('uses SASL PLAIN with user and password, never rhea reconnects, and passes TLS options through', () => {
    const tcp = toConnectionOptions({ host: '127.0.0.1', port: 5672, tls: false, hostname: 'vhost:gw', username: 'gw', password: 'pw', idleTimeoutMs: 30000, operationTimeoutMs: 2500 });
    expect(tcp).toMatchObject({ transport: 'tcp', host: '127.0.0.1', port: 5672, hostname: 'vhost:gw', username: 'gw', password: 'pw', reconnect: false, idle_time_out: 30000, operationTimeoutInSeconds: 3 });
    const tls = toConnectionOptions({ host: 'broker.internal', port: 5671, tls: true, ca: 'PEM', rejectUnauthorized: true });
    expect(tls).toMatchObject({ transport: 'tls', servername: 'broker.internal', ca: 'PEM', rejectUnauthorized: true });
    expect(tls).not.toHaveProperty('username');
    // No server name for an IP address (TLS forbids it); an explicit one wins.
    expect(toConnectionOptions({ host: '10.0.0.5', port: 5671, tls: true })).not.toHaveProperty('servername');
    expect(toConnectionOptions({ host: '10.0.0.5', port: 5671, tls: true, servername: 'broker' })).toMatchObject({ servername: 'broker' });
    expect(describeEndpoint({ host: '::1', port: 5671, tls: true })).toBe('amqps://[::1]:5671');
  });
});

describe('resolveEndpoint', () => {
  it('reads the password from its file (one trailing newline dropped) or its environment variable, and the CA file', async () => {
    await writeFile(join(dir, 'pw'), 'file-secret\n');
    await writeFile(join(dir, 'ca.pem'), 'CA PEM');
    const fromFile = await resolveEndpoint(readAmqpSettings({ url: 'amqps://b', cluster: 'c', auth: { username: 'gw', passwordFile: join(dir, 'pw') }, tls: { caFile: join(dir, 'ca.pem') } }), {});
    expect(fromFile).toMatchObject({ username: 'gw', password: 'file-secret', tls: true, port: 5671 });
    expect(fromFile.ca?.toString()).toBe('CA PEM');
    const fromEnv = await resolveEndpoint(readAmqpSettings({ url: 'amqp://b', cluster: 'c', auth: { username: 'gw', passwordEnv: 'MY_PW' } }), { MY_PW: 'env-secret' });
    expect(fromEnv.password).toBe('env-secret');
    const anonymous = await resolveEndpoint(readAmqpSettings({ url: 'amqp://b', cluster: 'c' }), {});
    expect(anonymous.username).toBeUndefined();
  });

  it('names the missing variable or unreadable file, never a secret', async () => {
    await expect(resolveEndpoint(readAmqpSettings({ url: 'amqp://b', cluster: 'c', auth: { username: 'gw' } }), {})).rejects.toMatchObject({
      code: 'CW_PLUGIN_SETTINGS_INVALID',
      message: expect.stringContaining('environment variable CAUSEWAY_AMQP_PASSWORD'),
    });
    await expect(resolveEndpoint(readAmqpSettings({ url: 'amqp://b', cluster: 'c', auth: { username: 'gw', passwordFile: join(dir, 'nope') } }), {})).rejects.toMatchObject({
      code: 'CW_PLUGIN_SETTINGS_INVALID',
      message: expect.stringContaining('ENOENT'),
    });
    await expect(resolveEndpoint(readAmqpSettings({ url: 'amqps://b', cluster: 'c', tls: { caFile: join(dir, 'none.pem') } }), {})).rejects.toMatchObject({ message: expect.stringContaining('tls.caFile') });
  });
});
