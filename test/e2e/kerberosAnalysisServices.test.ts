// Analysis Services with Kerberos end to end: client -> relay -> host -> kerberos-kcd (S4U2Self +
// S4U2Proxy to HTTP/localhost) -> analysis-services connector (Authorization: Negotiate, SPNEGO) ->
// the XMLA fixture, which accepts the token with the `kerberos` library and the HTTP keytab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXmlaFixture, type XmlaFixture } from '../fixtures/xmla/index.js';
import { startKdc, type TestKdc } from '../support/kdc/startKdc.js';
import { startTestGateway, type TestGateway } from '../support/startTestGateway.js';

const mapping = { rules: [{ kind: 'domain', from: 'contoso.com', account: '{user}@CAUSEWAY.TEST' }] };

describe('kerberos-kcd + analysis-services connector: HTTP Negotiate against the XMLA fixture', () => {
  let kdc: TestKdc;
  let fixture: XmlaFixture;
  let gw: TestGateway;
  const saved = { KRB5_CONFIG: process.env.KRB5_CONFIG, KRB5_KTNAME: process.env.KRB5_KTNAME };

  beforeAll(async () => {
    // The fixture accepts in this process: it reads krb5.conf and its keytab from the environment.
    kdc = await startKdc({ setProcessEnv: true });
    process.env.KRB5_KTNAME = `FILE:${kdc.keytabs.http}`;
    fixture = await startXmlaFixture({ negotiate: { service: 'HTTP@localhost' } });
    gw = await startTestGateway({
      configure(config) {
        config.plugins = {
          settings: { 'kerberos-kcd': { keytab: kdc.keytabs.gateway, principal: kdc.principals.gateway, krb5Config: kdc.krb5Config } },
        };
        config.dataSources.olap = {
          connector: 'analysis-services',
          settings: { url: fixture.url, authentication: 'negotiate' },
          auth: { provider: 'kerberos-kcd', settings: { spn: kdc.principals.http, userMapping: mapping } },
        };
      },
    });
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
    await fixture?.close();
    await kdc?.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const run = async (upn: string) => {
    const stream = await gw.client.run(gw.gatewayId, { dataSource: 'olap', query: { text: 'EVALUATE ROW("who", USERNAME())' }, identity: { userPrincipalName: upn } });
    return stream.collect();
  };

  it("runs alice's and bob's queries concurrently, each authenticated by SPNEGO as its own principal", async () => {
    const results = await Promise.all(['alice', 'bob', 'alice', 'bob'].map(async (name) => ({ name, result: await run(`${name}@contoso.com`) })));
    for (const { name, result } of results) expect(result.rows).toEqual([[`${name}@CAUSEWAY.TEST`]]);
    expect(fixture.negotiateFailures).toEqual([]);
    const principals = new Set(fixture.negotiateLogons.map((l) => l.principal));
    expect(principals).toEqual(new Set(['alice@CAUSEWAY.TEST', 'bob@CAUSEWAY.TEST']));
    const requests = fixture.requests.filter((r) => r.kind === 'statement');
    expect(requests.length).toBe(4);
    expect(requests.every((r) => r.scheme === 'Negotiate')).toBe(true);
    expect(requests.every((r) => r.effectiveUserName === undefined)).toBe(true);
  });

  it('puts no Negotiate token in the logs', () => {
    expect(gw.logs.join('\n')).not.toMatch(/Negotiate\s+[A-Za-z0-9+/]{20}/);
    expect(gw.logs.join('\n')).not.toMatch(/YI[A-Za-z0-9+/]{40}/); // base64 of a GSS/SPNEGO token starts "YI" (0x60)
  });
});
