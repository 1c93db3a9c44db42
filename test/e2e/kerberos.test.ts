// Kerberos constrained delegation end to end: client -> relay -> host -> kerberos-kcd (S4U2Self +
// S4U2Proxy against a real MIT KDC with the LDAP back end) -> mysql connector -> a private MariaDB
// that logs users on with GSSAPI. Every server runs in a temp folder on free ports of 127.0.0.1.
import { readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadPluginFolder } from '@causeway/host';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuer } from '../fixtures/oidc/index.js';
import { startKdc, type TestKdc } from '../support/kdc/startKdc.js';
import { startMariadbGssapi, type MariadbGssapi } from '../support/mariadb-gssapi/startMariadbGssapi.js';
import { startTestGateway, type TestGateway } from '../support/startTestGateway.js';

const pluginFolder = resolve(import.meta.dirname, '../../auth-providers/kerberos-kcd');
const mapping = { rules: [{ kind: 'domain', name: 'contoso', from: 'contoso.com', account: '{user}@CAUSEWAY.TEST' }] };

/** The key blocks of an MIT keytab (format 0x0502), to prove none reaches a log. */
function keytabKeys(file: string): Buffer[] {
  const data = readFileSync(file);
  const keys: Buffer[] = [];
  let at = 2;
  while (at + 4 <= data.length) {
    const size = data.readInt32BE(at);
    at += 4;
    if (size <= 0) {
      at += -size;
      continue;
    }
    const entry = data.subarray(at, at + size);
    let p = 0;
    const components = entry.readUInt16BE(p);
    p += 2;
    p += 2 + entry.readUInt16BE(p); // realm
    for (let i = 0; i < components; i++) p += 2 + entry.readUInt16BE(p);
    p += 4 + 4 + 1; // name type, timestamp, kvno8
    p += 2; // key type
    const length = entry.readUInt16BE(p);
    keys.push(Buffer.from(entry.subarray(p + 2, p + 2 + length)));
    at += size;
  }
  return keys;
}

function secretForms(bytes: Buffer): string[] {
  return [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')].filter((s) => s.length >= 16);
}

describe('kerberos-kcd + mysql connector end to end (MIT KDC with LDAP back end, MariaDB GSSAPI)', () => {
  let kdc: TestKdc;
  let maria: MariadbGssapi;
  let gw: TestGateway;
  let idp: OidcIssuer;
  let gwEntra: TestGateway;
  const audience = 'api://causeway-gateway';

  beforeAll(async () => {
    kdc = await startKdc();
    maria = await startMariadbGssapi({
      keytab: kdc.keytabs.mariadb,
      principal: kdc.principals.mariadb,
      env: kdc.env,
      setupSql: [
        'CREATE DATABASE kt',
        `CREATE USER alice IDENTIFIED VIA gssapi AS '${kdc.principals.alice}'`,
        `CREATE USER bob IDENTIFIED VIA gssapi AS '${kdc.principals.bob}'`,
        'GRANT SELECT ON kt.* TO alice, bob',
      ],
    });
    console.log(
      `set-up (ms): KDC ${JSON.stringify(Object.fromEntries(Object.entries(kdc.timings).map(([k, v]) => [k, Math.round(v)])))}, ` +
        `MariaDB ${JSON.stringify(Object.fromEntries(Object.entries(maria.timings).map(([k, v]) => [k, Math.round(v)])))}`,
    );
    const mysqlSettings = { host: maria.host, port: maria.port, database: 'kt' };
    gw = await startTestGateway({
      configure(config) {
        config.plugins = {
          settings: { 'kerberos-kcd': { keytab: kdc.keytabs.gateway, principal: kdc.principals.gateway, krb5Config: kdc.krb5Config } },
        };
        config.dataSources.maria = { connector: 'mysql', settings: mysqlSettings, auth: { provider: 'kerberos-kcd', settings: { spn: kdc.principals.mariadb, userMapping: mapping } } };
        // The gateway may not delegate to postgres/localhost (not in krbAllowedToDelegateTo).
        config.dataSources['maria-denied'] = { connector: 'mysql', settings: mysqlSettings, auth: { provider: 'kerberos-kcd', settings: { spn: kdc.principals.denied, userMapping: mapping } } };
      },
    });
    // A second gateway that takes the user from a validated Entra ID token, not from the job's UPN.
    idp = await startOidcIssuer({ apiAudiences: [audience] });
    gwEntra = await startTestGateway({
      configure(config) {
        config.plugins = {
          settings: {
            'kerberos-kcd': {
              keytab: kdc.keytabs.gateway,
              principal: kdc.principals.gateway,
              krb5Config: kdc.krb5Config,
              entraToken: { authority: idp.authority, tenants: [idp.tenantId], audiences: [audience], issuers: idp.issuers },
            },
          },
        };
        config.dataSources.maria = { connector: 'mysql', settings: mysqlSettings, auth: { provider: 'kerberos-kcd', settings: { spn: kdc.principals.mariadb, userMapping: mapping } } };
      },
    });
  }, 120_000);

  afterAll(async () => {
    await gwEntra?.stop();
    await idp?.close();
    await gw?.stop();
    await maria?.stop();
    await kdc?.stop();
  });

  const run = async (upn: string, text: string, dataSource = 'maria') => {
    const stream = await gw.client.run(gw.gatewayId, { dataSource, query: { text }, identity: { userPrincipalName: upn } });
    return stream.collect();
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (caught: unknown) => caught as { code: string; message: string; details?: Record<string, unknown> },
    );

  it("runs alice's and bob's jobs concurrently, each as its own MariaDB account", async () => {
    const query = 'SELECT CURRENT_USER(), USER()';
    const jobs = ['alice', 'bob', 'alice', 'bob', 'bob', 'alice'].map(async (name) => ({ name, result: await run(`${name}@contoso.com`, query) }));
    const results = await Promise.all(jobs);
    for (const { name, result } of results) {
      expect(result.rows).toHaveLength(1);
      expect(result.rows[0]![0]).toBe(`${name}@%`);
      expect(String(result.rows[0]![1])).toMatch(new RegExp(`^${name}@`));
    }
    // The server logged each on by GSSAPI: its processlist shows both accounts' sessions (pooled).
    const sessions = await maria.sql("SELECT DISTINCT user FROM information_schema.processlist WHERE user IN ('alice','bob') ORDER BY user");
    expect(sessions.trim().split('\n')).toEqual(['alice', 'bob']);
    // The KDC did one protocol transition per user (the second job of each used the cached ticket).
    const transitions = kdc.log().split('\n').filter((l) => l.includes('CONSTRAINED-DELEGATION s4u-client='));
    expect(transitions.filter((l) => l.includes('alice@CAUSEWAY.TEST'))).toHaveLength(1);
    expect(transitions.filter((l) => l.includes('bob@CAUSEWAY.TEST'))).toHaveLength(1);
  });

  it('keeps one credential cache per user, holding only that user', async () => {
    const dataDir = join(gw.dataDirectory);
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(join(dir, entry.name));
        else if (entry.name.startsWith('tkt-')) found.push(join(dir, entry.name));
      }
    };
    await walk(dataDir);
    expect(found).toHaveLength(2);
    const owners = await Promise.all(found.map(async (f) => ((await readFile(f)).includes(Buffer.from('alice')) ? 'alice' : 'bob')));
    expect(owners.sort()).toEqual(['alice', 'bob']);
  });

  it('reports the auth time per job: S4U cold against cached', async () => {
    for (const name of ['alice', 'bob', 'alice']) expect((await run(`${name}@contoso.com`, 'SELECT CURRENT_USER()')).rows[0]![0]).toBe(`${name}@%`);
    const lines = gw.logs.map((l) => JSON.parse(l) as { msg?: string; cached?: boolean; ms?: number }).filter((l) => l.msg === 'kerberos-kcd: job authenticated');
    const cold = lines.filter((l) => l.cached === false).map((l) => l.ms!);
    const cached = lines.filter((l) => l.cached === true).map((l) => l.ms!);
    expect(cold.length).toBeGreaterThanOrEqual(2);
    expect(cached.length).toBeGreaterThanOrEqual(3);
    console.log(`auth per job (ms): cold ${JSON.stringify(cold)}, cached ${JSON.stringify(cached)}`);
  });

  it('refuses delegation to an SPN the gateway may not delegate to: CW_DELEGATION_DENIED naming the SPN', async () => {
    const error = await failure(run('alice@contoso.com', 'SELECT 1', 'maria-denied'));
    expect(error).toMatchObject({ code: 'CW_DELEGATION_DENIED' });
    expect(error!.message).toContain(kdc.principals.denied);
  });

  it('tests the data source as a user (`causeway datasource test --as`), through delegation', async () => {
    const result = await gw.host.testDataSource('maria', { identity: { userPrincipalName: 'alice@contoso.com' } });
    expect(result.ok).toBe(true);
    await expect(gw.host.testDataSource('maria', { identity: { userPrincipalName: 'carol@fabrikam.com' } })).rejects.toMatchObject({ code: 'CW_USER_UNKNOWN' });
  });

  it('refuses an unmapped user: CW_USER_UNKNOWN', async () => {
    const error = await failure(run('carol@fabrikam.com', 'SELECT 1'));
    expect(error).toMatchObject({ code: 'CW_USER_UNKNOWN' });
  });

  it('refuses a mapped user the KDC does not know: CW_USER_UNKNOWN', async () => {
    const error = await failure(run('mallory@contoso.com', 'SELECT 1'));
    expect(error).toMatchObject({ code: 'CW_USER_UNKNOWN' });
    expect(error!.message).toContain('mallory@CAUSEWAY.TEST');
  });

  it('with entraToken, runs as the user the validated token names and refuses forged, missing or mismatched tokens', async () => {
    const runAs = async (identity: { userPrincipalName?: string; accessToken?: string }) =>
      (await gwEntra.client.run(gwEntra.gatewayId, { dataSource: 'maria', query: { text: 'SELECT CURRENT_USER()' }, identity })).collect();
    const bobToken = await idp.signUserToken({ upn: 'bob@contoso.com', preferred_username: 'bob@contoso.com' });
    expect((await runAs({ accessToken: bobToken })).rows[0]![0]).toBe('bob@%');
    expect((await runAs({ userPrincipalName: 'bob@contoso.com', accessToken: bobToken })).rows[0]![0]).toBe('bob@%');
    // The job claims alice but carries bob's token: refused, not run as either.
    expect(await failure(runAs({ userPrincipalName: 'alice@contoso.com', accessToken: bobToken }))).toMatchObject({ code: 'CW_TOKEN_INVALID' });
    // A UPN alone no longer names a user.
    expect(await failure(runAs({ userPrincipalName: 'alice@contoso.com' }))).toMatchObject({ code: 'CW_TOKEN_INVALID' });
    // Signed by a key the issuer never published.
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await idp.signUserToken({ upn: 'alice@contoso.com', preferred_username: 'alice@contoso.com' }, { key: privateKey });
    const refused = await failure(runAs({ accessToken: forged }));
    expect(refused).toMatchObject({ code: 'CW_TOKEN_INVALID' });
    expect(refused!.message).not.toContain(forged);
    expect(gwEntra.logs.join('\n')).not.toContain(bobToken);
  });

  it('puts no key, ticket or password in the logs', async () => {
    const logs = gw.logs.join('\n');
    expect(logs).toContain('kerberos-kcd: delegated ticket obtained');
    const secrets: string[] = [];
    for (const file of [kdc.keytabs.gateway, kdc.keytabs.mariadb]) for (const key of keytabKeys(file)) secrets.push(...secretForms(key));
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    // Windows of the users' caches (tickets and session keys are in their second half).
    const caches: Buffer[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(join(dir, entry.name));
        else if (entry.name.startsWith('tkt-') || entry.name === 'gateway.ccache') caches.push(await readFile(join(dir, entry.name)));
      }
    };
    await walk(gw.dataDirectory);
    expect(caches.length).toBe(3);
    for (const cache of caches) for (let at = cache.length >> 1; at + 24 <= cache.length; at += 24) secrets.push(...secretForms(cache.subarray(at, at + 24)));
    secrets.push(kdc.slapd.rootPassword);
    for (const secret of secrets) expect(logs.includes(secret), 'a secret reached the logs').toBe(false);
  });
});

describe('kerberos-kcd configuration errors', () => {
  it('a missing keytab is CW_CONFIG_INVALID naming the file', async () => {
    const folder = await loadPluginFolder(pluginFolder, { settings: { keytab: '/nonexistent/gateway.keytab', principal: 'causeway/gw@CAUSEWAY.TEST' } });
    try {
      const error = await folder.use('auth-provider').then(
        () => undefined,
        (caught: unknown) => caught as { code: string; message: string; location?: { file?: string } },
      );
      expect(error).toMatchObject({ code: 'CW_CONFIG_INVALID', location: { file: '/nonexistent/gateway.keytab' } });
      expect(error!.message).toContain('/nonexistent/gateway.keytab');
    } finally {
      await folder.dispose();
    }
  });

  it('a file that is not a keytab is CW_CONFIG_INVALID naming the file', async () => {
    const file = join(await (await import('node:fs/promises')).mkdtemp(join((await import('node:os')).tmpdir(), 'causeway-kt-')), 'not-a.keytab');
    await writeFile(file, 'password=hunter2\n');
    const folder = await loadPluginFolder(pluginFolder, { settings: { keytab: file, principal: 'causeway/gw@CAUSEWAY.TEST' } });
    try {
      const error = await folder.use('auth-provider').then(
        () => undefined,
        (caught: unknown) => caught as { code: string; message: string },
      );
      expect(error).toMatchObject({ code: 'CW_CONFIG_INVALID' });
      expect(error!.message).toContain(file);
      expect(error!.message).not.toContain('hunter2');
    } finally {
      await folder.dispose();
    }
  });
});
