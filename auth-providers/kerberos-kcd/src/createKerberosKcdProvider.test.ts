// The provider against a real MIT KDC (test/support/kdc: slapd LDAP back end with constrained
// delegation); GSS tokens are checked by a real acceptor in this process (the `kerberos` library with
// the HTTP service's keytab), so each token is proven to carry the user it was made for.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as KerberosModule from 'kerberos';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthProvider, AuthRequest, KerberosIdentity, Logger } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKdc, type TestKdc } from '../../../test/support/kdc/startKdc.js';
import { createKerberosKcdProvider } from './createKerberosKcdProvider.js';
import type { KerberosKcdDataSourceSettings } from './kerberosKcdSettings.js';

const kerberos = createRequire(import.meta.url)('kerberos') as typeof KerberosModule;

function captureLogger(lines: string[]): Logger {
  const write = (level: string) => (obj: object | string, msg?: string) => void lines.push(JSON.stringify({ level, obj, msg }));
  const logger: Logger = { trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: () => logger };
  return logger;
}

const mapping = { rules: [{ kind: 'domain' as const, from: 'contoso.com', account: '{user}@CAUSEWAY.TEST' }] };

describe('createKerberosKcdProvider (real KDC)', () => {
  let kdc: TestKdc;
  let provider: AuthProvider<KerberosKcdDataSourceSettings>;
  let dataDirectory: string;
  const logs: string[] = [];
  let offsetMs = 0;
  const saved = { KRB5_CONFIG: process.env.KRB5_CONFIG, KRB5_KTNAME: process.env.KRB5_KTNAME };

  beforeAll(async () => {
    kdc = await startKdc({ setProcessEnv: true });
    process.env.KRB5_KTNAME = `FILE:${kdc.keytabs.http}`;
    dataDirectory = await mkdtemp(join(tmpdir(), 'causeway-kcd-'));
    provider = await createKerberosKcdProvider(
      { keytab: kdc.keytabs.gateway, principal: kdc.principals.gateway, krb5Config: kdc.krb5Config },
      { logger: captureLogger(logs), clock: { now: () => Date.now() + offsetMs }, dataDirectory },
    );
  }, 60_000);

  afterAll(async () => {
    await provider?.dispose?.();
    await kdc?.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const request = (upn: string, spn = kdc.principals.http): AuthRequest<KerberosKcdDataSourceSettings> => ({
    dataSourceId: 'olap',
    settings: { spn, userMapping: mapping },
    identity: { userPrincipalName: upn },
    secret: undefined,
    accepts: ['kerberos'],
    signal: new AbortController().signal,
  });
  const s4uCount = (user: string) => kdc.log().split('\n').filter((l) => l.includes(`CONSTRAINED-DELEGATION s4u-client=${user}`)).length;

  /** Makes a SPNEGO token as the identity and has the HTTP acceptor check it; returns who it says. */
  async function acceptedAs(identity: KerberosIdentity): Promise<string> {
    const context = await identity.createGssContext({ mechanism: 'spnego' });
    const token = await context.step(new Uint8Array());
    const server = await kerberos.initializeServer('HTTP@localhost');
    await server.step(Buffer.from(token).toString('base64'));
    expect(server.contextComplete).toBe(true);
    return server.username;
  }

  it("produces tokens that authenticate each job as its own user, with alice's and bob's contexts made concurrently", async () => {
    const names = ['alice', 'bob', 'bob', 'alice', 'alice', 'bob', 'alice', 'bob'];
    const identities = await Promise.all(names.map((n) => provider.authenticate(request(`${n}@contoso.com`)) as Promise<KerberosIdentity>));
    expect(identities.map((i) => i.principal)).toEqual(names.map((n) => `${n}@CAUSEWAY.TEST`));
    expect(identities[0]).toMatchObject({ kind: 'kerberos', spn: kdc.principals.http });
    expect(identities[0]!.credentialCache).toMatch(/^DIR:/);
    const accepted = await Promise.all(identities.map((identity) => acceptedAs(identity)));
    expect(accepted).toEqual(names.map((n) => `${n}@CAUSEWAY.TEST`));
    // One S4U exchange per user: concurrent requests for the same user share it.
    expect(s4uCount('alice@CAUSEWAY.TEST')).toBe(1);
    expect(s4uCount('bob@CAUSEWAY.TEST')).toBe(1);
  });

  it('reuses a held ticket, and renews it once it is within renewBeforeExpiryMs of its end', async () => {
    await provider.authenticate(request('alice@contoso.com'));
    expect(s4uCount('alice@CAUSEWAY.TEST')).toBe(1);
    offsetMs = 10 * 3600_000; // the test KDC issues 10 h tickets
    try {
      const renewed = (await provider.authenticate(request('alice@contoso.com'))) as KerberosIdentity;
      expect(s4uCount('alice@CAUSEWAY.TEST')).toBe(2);
      expect(await acceptedAs(renewed)).toBe('alice@CAUSEWAY.TEST');
    } finally {
      offsetMs = 0;
    }
  });

  it('refuses a GSS context for another SPN than the configured one', async () => {
    const identity = (await provider.authenticate(request('bob@contoso.com'))) as KerberosIdentity;
    await expect(identity.createGssContext({ mechanism: 'krb5', spn: 'mariadb/other.host@CAUSEWAY.TEST' })).rejects.toMatchObject({
      code: 'CW_KERBEROS_FAILED',
      message: expect.stringContaining('mariadb/other.host@CAUSEWAY.TEST'),
    });
  });

  it('refuses delegation to an SPN the gateway may not delegate to: CW_DELEGATION_DENIED naming it', async () => {
    await expect(provider.authenticate(request('alice@contoso.com', kdc.principals.denied))).rejects.toMatchObject({
      code: 'CW_DELEGATION_DENIED',
      message: expect.stringContaining(kdc.principals.denied),
      details: { spn: kdc.principals.denied },
    });
  });

  it('a cancelled job stops waiting for its ticket: CW_JOB_CANCELLED', async () => {
    const controller = new AbortController();
    const pending = provider.authenticate({ ...request('bob@contoso.com', kdc.principals.mariadb), signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });

  it('refuses a bad SPN setting with CW_CONFIG_INVALID naming the setting', async () => {
    await expect(provider.authenticate(request('alice@contoso.com', 'not-an-spn'))).rejects.toMatchObject({ code: 'CW_CONFIG_INVALID', location: { pointer: '/dataSources/olap/auth/settings/spn' } });
  });

  it('a keytab without the gateway principal fails the first job with CW_CONFIG_INVALID naming the keytab', async () => {
    const other = await createKerberosKcdProvider(
      { keytab: kdc.keytabs.mariadb, principal: kdc.principals.gateway, krb5Config: kdc.krb5Config },
      { logger: captureLogger([]), clock: { now: () => Date.now() }, dataDirectory: await mkdtemp(join(tmpdir(), 'causeway-kcd-')) },
    );
    try {
      await expect(other.authenticate(request('alice@contoso.com'))).rejects.toMatchObject({ code: 'CW_CONFIG_INVALID', location: { file: kdc.keytabs.mariadb } });
    } finally {
      await other.dispose?.();
    }
  });

  it('logs no key or ticket, and removes the caches on dispose', async () => {
    expect(logs.join('\n')).toContain('delegated ticket obtained');
    expect(logs.join('\n')).not.toMatch(/YI[A-Za-z0-9+/]{40}/);
    expect(existsSync(join(dataDirectory, 'ccache', 'gateway.ccache'))).toBe(true);
    await provider.dispose?.();
    expect(existsSync(join(dataDirectory, 'ccache'))).toBe(false);
  });
});
