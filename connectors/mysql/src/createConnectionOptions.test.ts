import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConnectionOptions, requireMysqlIdentity } from './createConnectionOptions.js';

const ada = { kind: 'password' as const, username: 'ada', password: 's3cret-pw' };

describe('createConnectionOptions', () => {
  it('builds exact-value options with the identity, defaults and connect attributes', async () => {
    const optionsFor = await createConnectionOptions({ host: 'db.local', database: 'sales', applicationName: 'reports', connectAttributes: { team: 'bi' } }, 4000);
    const options = optionsFor(ada);
    expect(options).toMatchObject({
      host: 'db.local',
      port: 3306,
      database: 'sales',
      user: 'ada',
      password: 's3cret-pw',
      charset: 'utf8mb4_unicode_ci',
      connectTimeout: 4000,
      supportBigNumbers: true,
      bigNumberStrings: false,
      dateStrings: true,
      jsonStrings: true,
      decimalNumbers: false,
      multipleStatements: false,
      flags: ['-LOCAL_FILES'],
      connectAttributes: { team: 'bi', program_name: 'reports' },
    });
    expect(options.ssl).toBeUndefined();
  });

  it('maps the TLS modes and reads the CA file when the data source opens', async () => {
    expect((await createConnectionOptions({ host: 'db', ssl: { mode: 'require' } }, 1000))(ada).ssl).toEqual({ rejectUnauthorized: false });
    expect((await createConnectionOptions({ host: 'db', ssl: { mode: 'verify-full' } }, 1000))(ada).ssl).toEqual({ rejectUnauthorized: true, verifyIdentity: true });
    const dir = await mkdtemp(join(tmpdir(), 'cw-mysql-ca-'));
    try {
      await writeFile(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      const options = (await createConnectionOptions({ host: 'db', ssl: { mode: 'verify-full', ca: join(dir, 'ca.pem') } }, 1000))(ada);
      expect(options.ssl).toMatchObject({ rejectUnauthorized: true, verifyIdentity: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await expect(createConnectionOptions({ host: 'db', ssl: { mode: 'verify-full', ca: '/nonexistent/cw-ca.pem' } }, 1000)).rejects.toMatchObject({
      code: 'CW_CONFIG_INVALID',
      location: { file: '/nonexistent/cw-ca.pem', field: 'ssl.ca' },
    });
  });

  it('takes password and kerberos identities and refuses other kinds', () => {
    expect(requireMysqlIdentity(ada)).toBe(ada);
    const kerberos = { kind: 'kerberos' as const, principal: 'ada@EXAMPLE.COM', spn: 'mariadb/db@EXAMPLE.COM', credentialCache: 'DIR:/tmp/cc', createGssContext: () => Promise.reject(new Error('unused')) };
    expect(requireMysqlIdentity(kerberos)).toBe(kerberos);
    expect(() => requireMysqlIdentity({ kind: 'access-token', token: 't' })).toThrow(expect.objectContaining({ code: 'CW_AUTH_MODE_UNSUPPORTED' }));
  });

  it("logs a kerberos identity on as the principal's name through the auth_gssapi_client plugin, with no password", async () => {
    const kerberos = { kind: 'kerberos' as const, principal: 'ada@EXAMPLE.COM', spn: 'mariadb/db@EXAMPLE.COM', credentialCache: 'DIR:/tmp/cc', createGssContext: () => Promise.reject(new Error('unused')) };
    const options = (await createConnectionOptions({ host: 'db' }, 1000))(kerberos);
    expect(options).toMatchObject({ user: 'ada', password: '' });
    expect(Object.keys(options.authPlugins ?? {})).toEqual(['auth_gssapi_client']);
  });
});
