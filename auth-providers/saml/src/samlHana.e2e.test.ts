// End to end: the saml provider and the sap-hana connector, both loaded as the host loads plugins,
// with the REAL hdb driver logging on to the HANA wire fixture, which checks each assertion as a HANA
// SAML provider does (xmlsec1 signature against its trusted certificate, validity with skew,
// audience, NameID → database user). Refusals reach the job as CW_AUTH_DENIED, without secrets.
import { fileURLToPath } from 'node:url';
import { loadPluginFolder, type PluginFolder } from '@causeway/host';
import type { AuthProvider, CausewayError, Clock, DataSourceHandle, QueryRequest } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHanaWireFixture, type HanaWireFixture } from '../../../connectors/sap-hana/src/testing/createHanaWireFixture.js';
import type { SamlDataSourceSettings } from './samlSettings.js';
import { createTestPki, type TestIdentity, type TestPki } from './testing/createTestPki.js';
import { verifyWithXmlsec } from './testing/verifyWithXmlsec.js';

const samlFolder = fileURLToPath(new URL('..', import.meta.url));
const hanaFolder = fileURLToPath(new URL('../../../connectors/sap-hana', import.meta.url));
const never = new AbortController().signal;
const limits = { maxConnections: 2, idleTimeoutMs: 30_000, connectTimeoutMs: 5000 };
const issuer = 'https://gateway.contoso.example/saml';
const authSettings: SamlDataSourceSettings = {
  audience: 'HANA_SP',
  userMapping: { rules: [{ kind: 'domain', from: 'contoso.com', account: '{user}' }] },
  nameIdValue: 'localName',
};

describe('saml provider + sap-hana connector (real hdb) against the HANA wire fixture', () => {
  let pki: TestPki;
  let idp: TestIdentity;
  let rogue: TestIdentity;
  let fixture: HanaWireFixture;
  const folders: PluginFolder[] = [];
  let hana: DataSourceHandle;
  const seen: unknown[] = [];
  const assertions: string[] = [];

  async function provider(identity: TestIdentity, clock?: Clock): Promise<AuthProvider<Record<string, unknown>>> {
    const folder = await loadPluginFolder(samlFolder, { settings: { signingKeyFile: identity.keyFile, certificateFile: identity.certificateFile, issuer, validitySeconds: 120, clockSkewSeconds: 30 }, ...(clock ? { clock } : {}) });
    folders.push(folder);
    return folder.use('auth-provider');
  }

  async function run(saml: AuthProvider<Record<string, unknown>>, upn: string, settings: Partial<SamlDataSourceSettings> = {}): Promise<Array<readonly unknown[]>> {
    const identity = await saml.authenticate({ dataSourceId: 'hana', settings: { ...authSettings, ...settings } as unknown as Record<string, unknown>, identity: { userPrincipalName: upn }, secret: undefined, accepts: ['saml'], signal: never });
    if (identity.kind === 'saml') assertions.push(identity.assertion);
    const request: QueryRequest = { text: 'SELECT N FROM SERIES_GENERATE_INTEGER(1, 1, 4)', parameters: [], signal: never, deadline: undefined, batchRows: 100 };
    const rows: Array<readonly unknown[]> = [];
    for await (const part of hana.execute(request, identity)) if (part.kind === 'rows') rows.push(...part.rows);
    return rows;
  }

  async function refusal(work: Promise<unknown>): Promise<CausewayError> {
    try {
      await work;
    } catch (error) {
      seen.push(error);
      return error as CausewayError;
    }
    throw new Error('expected the logon to be refused');
  }

  beforeAll(async () => {
    pki = await createTestPki();
    idp = await pki.identity('gateway-idp');
    rogue = await pki.identity('rogue-idp');
    fixture = await createHanaWireFixture();
    fixture.saml = { certificateFile: idp.certificateFile, audience: 'HANA_SP', issuer, skewSeconds: 30, identities: new Map([['ada', 'ADA_DB']]) };
    const connectorFolder = await loadPluginFolder(hanaFolder);
    folders.push(connectorFolder);
    hana = await (await connectorFolder.use('connector')).openDataSource({ host: '127.0.0.1', port: fixture.port }, { dataSourceId: 'hana', limits });
  });
  afterAll(async () => {
    await hana?.close();
    for (const folder of folders) await folder.dispose();
    await fixture?.close();
    await pki?.remove();
  });

  it('logs on as the mapped user with a fresh assertion and runs the query', async () => {
    const saml = await provider(idp);
    // The fixture's series has two columns (N and a padding string).
    expect((await run(saml, 'ada@contoso.com')).map((row) => row[0])).toEqual([1, 2, 3]);
    expect(fixture.logons.at(-1)).toMatchObject({ user: '', methods: ['SAML'], samlNameId: 'ada', accepted: true });
    expect(fixture.logons.at(-1)?.samlRefusal).toBeUndefined();
    // Each job brings its own assertion; the server sees two different ones.
    expect(await run(saml, 'ada@contoso.com')).toHaveLength(3);
    expect(fixture.logons.at(-1)?.assertion).not.toBe(fixture.logons.at(-2)?.assertion);
    expect((await verifyWithXmlsec(fixture.logons.at(-1)?.assertion ?? '', idp.certificateFile, { strict: true })).ok).toBe(true);
  });

  it('refuses an expired assertion (the gateway clock an hour behind): CW_AUTH_DENIED', async () => {
    const saml = await provider(idp, { now: () => Date.now() - 3_600_000 });
    const error = await refusal(run(saml, 'ada@contoso.com'));
    expect(error).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '10' });
    expect(fixture.logons.at(-1)?.samlRefusal).toMatch(/^conditions: expired/);
  });

  it('refuses an assertion not yet valid (the gateway clock ahead by more than the skew): CW_AUTH_DENIED', async () => {
    const saml = await provider(idp, { now: () => Date.now() + 600_000 });
    expect(await refusal(run(saml, 'ada@contoso.com'))).toMatchObject({ code: 'CW_AUTH_DENIED' });
    expect(fixture.logons.at(-1)?.samlRefusal).toMatch(/^conditions: not yet valid/);
  });

  it('refuses a wrong audience: CW_AUTH_DENIED', async () => {
    const saml = await provider(idp);
    expect(await refusal(run(saml, 'ada@contoso.com', { audience: 'OTHER_SP' }))).toMatchObject({ code: 'CW_AUTH_DENIED' });
    expect(fixture.logons.at(-1)?.samlRefusal).toMatch(/^audience/);
  });

  it('refuses an assertion signed with a certificate the server does not trust: CW_AUTH_DENIED', async () => {
    const saml = await provider(rogue);
    expect(await refusal(run(saml, 'ada@contoso.com'))).toMatchObject({ code: 'CW_AUTH_DENIED' });
    expect(fixture.logons.at(-1)?.samlRefusal).toMatch(/^signature/);
  });

  it('refuses a NameID no database user has as identity: CW_AUTH_DENIED', async () => {
    const saml = await provider(idp);
    expect(await refusal(run(saml, 'bob@contoso.com'))).toMatchObject({ code: 'CW_AUTH_DENIED' });
    expect(fixture.logons.at(-1)?.samlRefusal).toMatch(/^subject: no database user/);
  });

  it('never puts an assertion or its signature in an error', () => {
    expect(seen.length).toBe(5);
    expect(assertions.length).toBeGreaterThanOrEqual(7);
    for (const error of seen) {
      const text = `${(error as Error).message} ${JSON.stringify((error as CausewayError).details ?? {})}`;
      expect(text).toContain('a SAML assertion');
      expect(text).not.toContain('Assertion ID');
      for (const assertion of assertions) expect(text).not.toContain((/<ds:SignatureValue>([^<]{40})/.exec(assertion) as RegExpExecArray)[1]);
    }
  });
});
