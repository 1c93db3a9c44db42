import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClientOptions } from './createClientOptions.js';

describe('createClientOptions', () => {
  it('sets what the connector relies on: arrays, data format 8, the connect timeout, no credentials', async () => {
    expect(await createClientOptions({ host: 'db' }, 4000)).toEqual({
      host: 'db',
      port: 30015,
      initializationTimeout: 4000,
      rowsAsArray: true,
      fetchSize: 1024,
      dataFormatSupport: 8,
      'SESSIONVARIABLE:APPLICATION': 'causeway',
    });
  });

  it('passes the tenant database name and the fetch size', async () => {
    expect(await createClientOptions({ host: 'db', port: 39013, databaseName: 'HXE', fetchSize: 500 }, 1000)).toMatchObject({ port: 39013, databaseName: 'HXE', fetchSize: 500 });
  });

  it('switches TLS on explicitly, trusting only the configured CA', async () => {
    expect(await createClientOptions({ host: 'db', useTLS: true }, 1000)).toMatchObject({ useTLS: true, rejectUnauthorized: true });
    expect(await createClientOptions({ host: 'db', useTLS: true, rejectUnauthorized: false }, 1000)).toMatchObject({ rejectUnauthorized: false });
    const folder = await mkdtemp(join(tmpdir(), 'cw-hana-'));
    const ca = join(folder, 'ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(await createClientOptions({ host: 'db', useTLS: true, ca }, 1000)).toMatchObject({
      useTLS: true,
      ca: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'],
      sslHanaCloudCertificates: false,
    });
    const plain = await createClientOptions({ host: 'db' }, 1000);
    expect('ca' in plain || 'useTLS' in plain).toBe(false);
  });

  it('fails with CW_CONFIG_INVALID naming the CA file when it cannot be read', async () => {
    await expect(createClientOptions({ host: 'db', useTLS: true, ca: '/nonexistent/cw-hana-ca.pem' }, 1000)).rejects.toMatchObject({
      code: 'CW_CONFIG_INVALID',
      location: { file: '/nonexistent/cw-hana-ca.pem', field: 'ca' },
    });
  });
});
