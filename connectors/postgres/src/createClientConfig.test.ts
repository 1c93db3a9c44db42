import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClientConfig, sessionOptions } from './createClientConfig.js';

const ada = { kind: 'password' as const, username: 'ada', password: 'pw' };

describe('createClientConfig', () => {
  it('applies defaults and the identity, and sets the session up in the startup packet', async () => {
    const config = (await createClientConfig({ host: 'db', database: 'sales' }))(ada);
    expect(config).toMatchObject({ host: 'db', port: 5432, database: 'sales', user: 'ada', password: 'pw', ssl: false, application_name: 'causeway', options: sessionOptions });
    expect(config.statement_timeout).toBeUndefined();
    expect(sessionOptions).toContain('TimeZone=UTC');
  });

  it('maps TLS modes and reads the CA file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-pg-ca-'));
    try {
      const ca = join(dir, 'ca.pem');
      await writeFile(ca, '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n');
      expect((await createClientConfig({ host: 'db', database: 'd', ssl: { mode: 'require' } }))(ada).ssl).toEqual({ rejectUnauthorized: false });
      expect((await createClientConfig({ host: 'db', database: 'd', ssl: { mode: 'verify-full' } }))(ada).ssl).toEqual({ rejectUnauthorized: true });
      expect((await createClientConfig({ host: 'db', database: 'd', ssl: { mode: 'verify-full', ca } }))(ada).ssl).toEqual({
        rejectUnauthorized: true,
        ca: expect.stringContaining('BEGIN CERTIFICATE'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('passes the port, application name and statement timeout through', async () => {
    const config = (await createClientConfig({ host: '/var/run/postgresql', port: 6543, database: 'd', applicationName: 'bi', statementTimeoutMs: 30_000 }))(ada);
    expect(config).toMatchObject({ host: '/var/run/postgresql', port: 6543, application_name: 'bi', statement_timeout: 30_000 });
  });
});
