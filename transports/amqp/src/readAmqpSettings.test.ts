import { describe, expect, it } from 'vitest';
import { expandAddress, readAmqpSettings } from './readAmqpSettings.js';

describe('readAmqpSettings', () => {
  it('applies defaults and expands the cluster into the addresses', () => {
    const s = readAmqpSettings({ url: 'amqp://broker.internal', cluster: 'sales', vhost: 'gateways', auth: { username: 'gw' } });
    expect(s).toMatchObject({
      host: 'broker.internal',
      port: 5672,
      tls: false,
      cluster: 'sales',
      hostname: 'vhost:gateways',
      auth: { mechanism: 'plain', username: 'gw', passwordEnv: 'CAUSEWAY_AMQP_PASSWORD', passwordFile: undefined },
      addresses: { jobs: '/queue/sales.jobs', status: '/queue/sales.status', deadLetter: '/queue/sales.dead', control: '/queue/sales.member.{member}' },
      deadLetterMode: 'forward',
      maxAttempts: 3,
      maxMessageBytes: 262144,
      sendWindow: 32,
      statusIntervalMs: 5000,
      reconnect: { initialDelayMs: 250, maxDelayMs: 10000 },
      tlsOptions: { rejectUnauthorized: true },
    });
    expect(expandAddress(s.addresses.control, { cluster: 'sales', member: 'plant-1' })).toBe('/queue/sales.member.plant-1');
  });

  it('reads amqps with its default port, TLS options, anonymous auth and a hostname for Service Bus', () => {
    const s = readAmqpSettings({ url: 'amqps://ns.servicebus.windows.net', cluster: 'c1', hostname: 'ns.servicebus.windows.net', tls: { caFile: '/etc/ca.pem', rejectUnauthorized: false }, deadLetterMode: 'reject' });
    expect(s).toMatchObject({ port: 5671, tls: true, hostname: 'ns.servicebus.windows.net', auth: { mechanism: 'anonymous' }, tlsOptions: { caFile: '/etc/ca.pem', rejectUnauthorized: false }, deadLetterMode: 'reject' });
  });

  it.each([
    [{ cluster: 'c' }, 'url is required'],
    [{ url: 'http://x', cluster: 'c' }, 'url must be an amqp:// or amqps:// URL'],
    [{ url: 'amqp://gw:SECRET@x', cluster: 'c' }, 'must not carry a user name or password'],
    [{ url: 'amqp://x', cluster: 'no spaces' }, 'cluster must be'],
    [{ url: 'amqp://x', cluster: 'c', auth: { mechanism: 'plain' } }, 'auth.username is required'],
    [{ url: 'amqp://x', cluster: 'c', auth: { mechanism: 'kerberos' } }, 'auth.mechanism must be'],
    [{ url: 'amqp://x', cluster: 'c', addresses: { control: '/queue/all' } }, 'must contain {member}'],
    [{ url: 'amqp://x', cluster: 'c', maxAttempts: 0 }, 'maxAttempts must be an integer of at least 1'],
    [{ url: 'amqp://x', cluster: 'c', reconnect: { initialDelayMs: 500, maxDelayMs: 100 } }, 'must not be below'],
    [{ url: 'amqp://x', cluster: 'c', deadLetterMode: 'drop' }, 'deadLetterMode must be'],
  ])('refuses %j: %s', (settings, message) => {
    expect(() => readAmqpSettings(settings)).toThrow(expect.objectContaining({ code: 'CW_PLUGIN_SETTINGS_INVALID', message: expect.stringContaining(message) }));
    try {
      readAmqpSettings(settings);
    } catch (error) {
      expect((error as Error).message).not.toContain('SECRET');
    }
  });
});
