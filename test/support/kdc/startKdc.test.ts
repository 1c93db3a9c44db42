import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKdc, type TestKdc } from './startKdc.js';

const run = promisify(execFile);
let kdc: TestKdc;

beforeAll(async () => {
  kdc = await startKdc();
  console.log(`test KDC set-up (ms): ${JSON.stringify(Object.fromEntries(Object.entries(kdc.timings).map(([k, v]) => [k, Math.round(v)])))}`);
}, 60_000);
afterAll(async () => kdc?.stop());

// What the provider relies on, checked with MIT's own tools against the throw-away KDC.
describe('startKdc (MIT KDC, LDAP back end)', () => {
  const tools = (cache: string) => ({ env: { PATH: process.env.PATH, ...kdc.env, LC_ALL: 'C', KRB5CCNAME: `FILE:${join(kdc.directory, cache)}` } });

  it('serves the gateway a TGT from its keytab, and S4U2Self + S4U2Proxy to an allowed SPN', async () => {
    await run(kdc.tools.kinit, ['-k', '-t', kdc.keytabs.gateway, kdc.principals.gateway], tools('gw.cc'));
    const out = join(kdc.directory, 'alice.cc');
    await run(kdc.tools.kvno, ['-U', 'alice', '-P', '--out-cache', `FILE:${out}`, kdc.principals.mariadb], tools('gw.cc'));
    const { stdout } = await run(kdc.tools.klist, ['-c', `FILE:${out}`], tools('gw.cc'));
    expect(stdout).toContain(`Default principal: ${kdc.principals.alice}`);
    expect(stdout).toContain(kdc.principals.mariadb);
    expect(kdc.log()).toMatch(/PROTOCOL-TRANSITION s4u-client=alice@CAUSEWAY\.TEST/);
    expect(kdc.log()).toMatch(/CONSTRAINED-DELEGATION s4u-client=alice@CAUSEWAY\.TEST/);
  });

  it('refuses S4U2Proxy to an SPN not in krbAllowedToDelegateTo', async () => {
    await run(kdc.tools.kinit, ['-k', '-t', kdc.keytabs.gateway, kdc.principals.gateway], tools('gw2.cc'));
    const error = await run(kdc.tools.kvno, ['-U', 'bob', '-P', '--out-cache', `FILE:${join(kdc.directory, 'bob.cc')}`, kdc.principals.denied], tools('gw2.cc')).then(
      () => undefined,
      (caught: unknown) => caught as { stderr: string },
    );
    expect(error?.stderr).toMatch(/constrained delegation failed/);
  });

  it('without ok_to_auth_as_delegate the evidence ticket is not forwardable and delegation fails', async () => {
    await kdc.kadmin([`modprinc -ok_to_auth_as_delegate ${kdc.principals.gateway}`]);
    try {
      await run(kdc.tools.kinit, ['-k', '-t', kdc.keytabs.gateway, kdc.principals.gateway], tools('gw3.cc'));
      const error = await run(kdc.tools.kvno, ['-U', 'bob', '-P', '--out-cache', `FILE:${join(kdc.directory, 'bob3.cc')}`, kdc.principals.mariadb], tools('gw3.cc')).then(
        () => undefined,
        (caught: unknown) => caught as { stderr: string },
      );
      expect(error?.stderr).toMatch(/constrained delegation failed/);
      expect(kdc.log()).toMatch(/PROTOCOL-TRANSITION s4u-client=bob@CAUSEWAY\.TEST/);
    } finally {
      await kdc.kadmin([`modprinc +ok_to_auth_as_delegate ${kdc.principals.gateway}`]);
    }
  });
});
