import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConnectionConfig } from './createConnectionConfig.js';

const limits = { maxConnections: 4, idleTimeoutMs: 30_000, connectTimeoutMs: 7000 };
const ada = { kind: 'password' as const, username: 'ada', password: 'pw' };

describe('createConnectionConfig', () => {
  it('maps settings and a SQL login to tedious options, with exact-value friendly defaults', async () => {
    const config = (await createConnectionConfig({ server: 'db', database: 'sales', encrypt: false }, limits))(ada);
    expect(config).toEqual({
      server: 'db',
      authentication: { type: 'default', options: { userName: 'ada', password: 'pw' } },
      options: {
        database: 'sales',
        port: 1433,
        encrypt: false,
        trustServerCertificate: false,
        appName: 'causeway',
        connectTimeout: 7000,
        requestTimeout: 0,
        cancelTimeout: 7000,
        useUTC: true,
        lowerCaseGuids: true,
        useColumnNames: false,
        rowCollectionOnDone: false,
        rowCollectionOnRequestCompletion: false,
        maxRetriesOnTransientErrors: 0,
        tdsVersion: '7_4',
      },
    });
  });

  it('logs on with an access token through azure-active-directory-access-token', async () => {
    const config = (await createConnectionConfig({ server: 'db', database: 'sales', encrypt: 'strict' }, limits))({ kind: 'access-token', token: 'eyJ.x.y' });
    expect(config.authentication).toEqual({ type: 'azure-active-directory-access-token', options: { token: 'eyJ.x.y' } });
    expect(config.options).toMatchObject({ encrypt: 'strict', trustServerCertificate: false });
  });

  it('passes TLS, instance, packet size and request timeout settings through', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-mssql-ca-'));
    try {
      const ca = join(dir, 'ca.pem');
      await writeFile(ca, '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n');
      const config = (
        await createConnectionConfig(
          { server: 'db', port: 1500, instanceName: 'SQLEXPRESS', database: 'd', encrypt: true, trustServerCertificate: true, hostNameInCertificate: 'db.corp', ca, applicationName: 'bi', packetSize: 8192, requestTimeoutMs: 2500 },
          limits,
        )
      )(ada);
      expect(config.options).toMatchObject({ instanceName: 'SQLEXPRESS', encrypt: true, trustServerCertificate: true, serverName: 'db.corp', appName: 'bi', packetSize: 8192, requestTimeout: 2500, cryptoCredentialsDetails: { ca: expect.stringContaining('BEGIN CERTIFICATE') } });
      // tedious refuses a port together with an instance name: the instance's port comes from SQL Browser.
      expect(config.options?.port).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses trustServerCertificate with strict encryption and an unreadable CA file', async () => {
    await expect(createConnectionConfig({ server: 'db', database: 'd', encrypt: 'strict', trustServerCertificate: true }, limits)).rejects.toMatchObject({ code: 'CW_CONFIG_INVALID', location: { field: 'trustServerCertificate' } });
    await expect(createConnectionConfig({ server: 'db', database: 'd', encrypt: true, ca: '/nonexistent/ca.pem' }, limits)).rejects.toMatchObject({ code: 'CW_CONFIG_INVALID', location: { field: 'ca', file: '/nonexistent/ca.pem' } });
  });

  it('returns a fresh options object per identity', async () => {
    const configFor = await createConnectionConfig({ server: 'db', database: 'd', encrypt: false }, limits);
    expect(configFor(ada).options).not.toBe(configFor(ada).options);
  });
});
