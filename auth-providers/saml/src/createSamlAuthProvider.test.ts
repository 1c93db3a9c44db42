import { DOMParser, type Element } from '@xmldom/xmldom';
import type { AuthRequest, CausewayError, Logger } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSamlAuthProvider } from './createSamlAuthProvider.js';
import type { SamlDataSourceSettings, SamlPluginSettings } from './samlSettings.js';
import { createTestPki, type TestIdentity, type TestPki } from './testing/createTestPki.js';
import { verifyWithXmlsec } from './testing/verifyWithXmlsec.js';

const ns = 'urn:oasis:names:tc:SAML:2.0:assertion';

function testLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): Logger & { lines: string[] } => {
    const write = (obj: object | string, msg?: string): void => void lines.push(JSON.stringify({ bindings, obj, msg }));
    return { lines, trace: write, debug: write, info: write, warn: write, error: write, child: (more) => make({ ...bindings, ...more }) };
  };
  return make({});
}

const mapping: SamlDataSourceSettings['userMapping'] = {
  rules: [
    { kind: 'table', accounts: { 'ops@contoso.com': `o'<b>&"x` } },
    { kind: 'domain', from: 'contoso.com', account: '{user}@CONTOSO.LOCAL' },
  ],
};
const dataSource: SamlDataSourceSettings = { audience: 'HANA_SP', userMapping: mapping };

function request(upn: string | undefined, settings: Partial<SamlDataSourceSettings> = {}, accepts: AuthRequest<unknown>['accepts'] = ['saml']): AuthRequest<SamlDataSourceSettings> {
  return { dataSourceId: 'hana', settings: { ...dataSource, ...settings }, identity: upn ? { userPrincipalName: upn } : {}, secret: undefined, accepts, signal: new AbortController().signal };
}

const read = (assertion: string) => {
  const root = new DOMParser().parseFromString(assertion, 'text/xml').documentElement as Element;
  const one = (name: string): Element => root.getElementsByTagNameNS(ns, name)[0] as Element;
  return {
    id: root.getAttribute('ID'),
    nameId: one('NameID').textContent,
    format: one('NameID').getAttribute('Format'),
    notBefore: one('Conditions').getAttribute('NotBefore'),
    notOnOrAfter: one('Conditions').getAttribute('NotOnOrAfter'),
    audience: one('Audience').textContent,
    recipient: one('SubjectConfirmationData').getAttribute('Recipient'),
    issuer: one('Issuer').textContent,
  };
};

describe('createSamlAuthProvider', () => {
  let pki: TestPki;
  let idp: TestIdentity;
  let settings: SamlPluginSettings;
  let keyText: string;
  const logger = testLogger();
  let clockMs = Date.UTC(2031, 5, 1, 12, 0, 0);
  const clock = { now: () => clockMs };
  const issued: string[] = [];

  beforeAll(async () => {
    pki = await createTestPki();
    idp = await pki.identity('gateway-idp', { days: 3650 });
    keyText = (await import('node:fs/promises').then((fs) => fs.readFile(idp.keyFile, 'utf8'))).split('\n')[1] as string;
    settings = { signingKeyFile: idp.keyFile, certificateFile: idp.certificateFile, issuer: 'https://gateway.example/saml', validitySeconds: 300, clockSkewSeconds: 30 };
  });
  afterAll(() => pki?.remove());

  it('signs an assertion for the mapped account that xmlsec1 verifies, with the injected clock, skew and validity', async () => {
    const provider = await createSamlAuthProvider({ settings, logger, clock });
    const identity = await provider.authenticate(request('Ada@contoso.com'));
    expect(identity.kind).toBe('saml');
    const assertion = (identity as { assertion: string }).assertion;
    issued.push(assertion);
    expect(await verifyWithXmlsec(assertion, idp.certificateFile, { strict: true })).toMatchObject({ ok: true });
    expect(read(assertion)).toMatchObject({
      nameId: 'Ada@CONTOSO.LOCAL',
      format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      notBefore: '2031-06-01T11:59:30Z',
      notOnOrAfter: '2031-06-01T12:05:00Z',
      audience: 'HANA_SP',
      recipient: null,
      issuer: 'https://gateway.example/saml',
    });
    await provider.dispose?.();
  });

  it('signs a new assertion with a new ID for every job (no cache)', async () => {
    const provider = await createSamlAuthProvider({ settings, logger, clock });
    const ids = new Set<string | null>();
    for (let i = 0; i < 5; i++) {
      const { assertion } = (await provider.authenticate(request('ada@contoso.com'))) as { assertion: string };
      issued.push(assertion);
      ids.add(read(assertion).id);
      expect(read(assertion).id).toMatch(/^_[0-9a-f]{32}$/);
    }
    expect(ids.size).toBe(5);
    await provider.dispose?.();
  });

  it('puts the chosen value and format in the NameID, and the recipient when set', async () => {
    const provider = await createSamlAuthProvider({ settings, logger, clock });
    const sign = async (s: Partial<SamlDataSourceSettings>, upn = 'ada@contoso.com') => read(((await provider.authenticate(request(upn, s))) as { assertion: string }).assertion);
    expect(await sign({ nameIdValue: 'localName' })).toMatchObject({ nameId: 'ada' });
    expect(await sign({ nameIdValue: 'upn', nameIdFormat: 'emailAddress' })).toMatchObject({ nameId: 'ada@contoso.com', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' });
    expect(await sign({ nameIdFormat: 'persistent', recipient: 'https://hana.example:30015' })).toMatchObject({ format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', recipient: 'https://hana.example:30015' });
    // A mapped account full of markup stays one NameID text and still verifies.
    const { assertion } = (await provider.authenticate(request('ops@contoso.com'))) as { assertion: string };
    expect(read(assertion).nameId).toBe(`o'<b>&"x`);
    expect((await verifyWithXmlsec(assertion, idp.certificateFile, { strict: true })).ok).toBe(true);
    await provider.dispose?.();
  });

  it('refuses unmapped users, jobs without a UPN, and connectors that take no SAML', async () => {
    const provider = await createSamlAuthProvider({ settings, logger, clock });
    await expect(provider.authenticate(request('eve@fabrikam.com'))).rejects.toMatchObject({ code: 'CW_USER_UNKNOWN' });
    await expect(provider.authenticate(request(undefined))).rejects.toMatchObject({ code: 'CW_CREDENTIALS_MISSING' });
    await expect(provider.authenticate(request('ada@contoso.com', {}, ['password']))).rejects.toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
    await provider.dispose?.();
  });

  it('reports a bad mapping config as CW_CONFIG_INVALID with the data source pointer, and recovers when it is fixed', async () => {
    const provider = await createSamlAuthProvider({ settings, logger, clock });
    const bad = { rules: [{ kind: 'domain', from: 'contoso.com', account: 'nope' }] } as unknown as SamlDataSourceSettings['userMapping'];
    const error = (await provider.authenticate(request('ada@contoso.com', { userMapping: bad })).catch((e: unknown) => e)) as CausewayError;
    expect(error.code).toBe('CW_CONFIG_INVALID');
    expect(JSON.stringify(error.details ?? error.message)).toContain('/dataSources/hana/auth/settings/userMapping');
    expect((await provider.authenticate(request('ada@contoso.com'))).kind).toBe('saml');
    await provider.dispose?.();
  });

  it('fails at creation on a bad key file (CW_SAML_CONFIG_INVALID) and warns about an expired certificate', async () => {
    await expect(createSamlAuthProvider({ settings: { ...settings, signingKeyFile: `${pki.dir}/missing.pem` }, logger, clock })).rejects.toMatchObject({ code: 'CW_SAML_CONFIG_INVALID' });
    clockMs = Date.UTC(2099, 0, 1);
    const provider = await createSamlAuthProvider({ settings, logger, clock });
    expect(logger.lines.some((l) => l.includes('the SAML signing certificate has expired'))).toBe(true);
    await provider.dispose?.();
    clockMs = Date.UTC(2031, 5, 1, 12, 0, 0);
  });

  it('never logs an assertion, its signature or the key', () => {
    expect(issued.length).toBeGreaterThan(3);
    expect(logger.lines.some((l) => l.includes('signed a SAML assertion'))).toBe(true);
    const text = logger.lines.join('\n');
    expect(text).not.toContain(keyText);
    for (const assertion of issued) {
      expect(text).not.toContain(/<ds:SignatureValue>([^<]+)</.exec(assertion)?.[1]);
      expect(text).not.toContain('<saml2:Assertion');
    }
  });
});
