import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConnectionAttributes, easyConnectString, timeoutSeconds } from './createConnectionAttributes.js';

const ada = { kind: 'password' as const, username: 'ada', password: 'pw-secret' };

describe('easyConnectString', () => {
  it('builds host:port/service, TCPS with a scheme, IPv6 in brackets', () => {
    expect(easyConnectString({ host: 'db.local', serviceName: 'FREEPDB1' })).toBe('db.local:1521/FREEPDB1');
    expect(easyConnectString({ host: 'db.local', port: 2484, serviceName: 'sales.example.com', tls: {} })).toBe('tcps://db.local:2484/sales.example.com');
    expect(easyConnectString({ host: '::1', port: 1522, serviceName: 'S' })).toBe('[::1]:1522/S');
    expect(easyConnectString({ host: '[::1]', serviceName: 'S' })).toBe('[::1]:1521/S');
  });
});

describe('timeoutSeconds', () => {
  it('rounds milliseconds up to whole seconds, at least one', () => {
    expect(timeoutSeconds(1)).toBe(1);
    expect(timeoutSeconds(1000)).toBe(1);
    expect(timeoutSeconds(1001)).toBe(2);
    expect(timeoutSeconds(15_000)).toBe(15);
    expect(timeoutSeconds(0)).toBe(1);
  });
});

describe('createConnectionAttributes', () => {
  it('gives each identity its user and password on top of the shared settings', async () => {
    const attributesFor = await createConnectionAttributes({ host: 'db', serviceName: 'FREEPDB1' }, { connectTimeoutMs: 2500 });
    expect(attributesFor(ada)).toEqual({
      user: 'ada',
      password: 'pw-secret',
      connectString: 'db:1521/FREEPDB1',
      connectTimeout: 3,
      transportConnectTimeout: 3,
    });
    expect(attributesFor({ kind: 'password', username: 'bob', password: 'x' })).toMatchObject({ user: 'bob', password: 'x' });
  });

  it('turns TLS settings into TCPS with DN matching on by default and checks the wallet folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-ora-wallet-'));
    try {
      await writeFile(join(dir, 'ewallet.pem'), '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n');
      const tls = await createConnectionAttributes({ host: 'db', port: 2484, serviceName: 'S', tls: { walletLocation: dir } }, { connectTimeoutMs: 1000 });
      expect(tls(ada)).toMatchObject({ connectString: 'tcps://db:2484/S', walletLocation: dir, sslServerDNMatch: true });
      const dn = await createConnectionAttributes({ host: 'db', serviceName: 'S', tls: { sslServerDNMatch: false, sslServerCertDN: 'CN=db' } }, { connectTimeoutMs: 1000 });
      expect(dn(ada)).toMatchObject({ sslServerDNMatch: false, sslServerCertDN: 'CN=db' });
      expect(dn(ada).walletLocation).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with CW_CONFIG_INVALID naming the wallet file when it cannot be read', async () => {
    await expect(createConnectionAttributes({ host: 'db', serviceName: 'S', tls: { walletLocation: '/nonexistent/cw-wallet' } }, { connectTimeoutMs: 1000 })).rejects.toMatchObject({
      code: 'CW_CONFIG_INVALID',
      location: { file: '/nonexistent/cw-wallet/ewallet.pem', field: 'tls.walletLocation' },
    });
  });
});
