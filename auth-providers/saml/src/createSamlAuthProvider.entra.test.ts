import type { AuthRequest, Logger } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuer } from '../../../test/fixtures/oidc/index.js';
import { createSamlAuthProvider } from './createSamlAuthProvider.js';
import type { SamlDataSourceSettings } from './samlSettings.js';
import { createTestPki, type TestPki } from './testing/createTestPki.js';
import { verifyWithXmlsec } from './testing/verifyWithXmlsec.js';

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const audience = 'api://causeway-gateway';
const dataSource: SamlDataSourceSettings = { audience: 'HANA_SP', userMapping: { rules: [{ kind: 'domain', from: 'contoso.com', account: '{user}' }] } };

function request(identity: { userPrincipalName?: string; accessToken?: string }): AuthRequest<SamlDataSourceSettings> {
  return { dataSourceId: 'hana', settings: dataSource, identity, secret: undefined, accepts: ['saml'], signal: new AbortController().signal };
}

describe('createSamlAuthProvider with entraToken', () => {
  let pki: TestPki;
  let idp: OidcIssuer;

  beforeAll(async () => {
    pki = await createTestPki();
    idp = await startOidcIssuer({ apiAudiences: [audience] });
  });
  afterAll(async () => {
    await idp?.close();
    await pki?.remove();
  });

  it('signs for the user the validated token names and refuses a job whose token is missing or names someone else', async () => {
    const key = await pki.identity('gateway-idp', { days: 30 });
    const provider = await createSamlAuthProvider({
      settings: {
        signingKeyFile: key.keyFile,
        certificateFile: key.certificateFile,
        issuer: 'https://gateway.example/saml',
        entraToken: { authority: idp.authority, tenants: [idp.tenantId], audiences: [audience], issuers: idp.issuers },
      },
      logger: silent,
      clock: { now: () => Date.now() },
    });
    const token = await idp.signUserToken({ upn: 'bob@contoso.com' });
    const identity = await provider.authenticate(request({ accessToken: token }));
    const assertion = (identity as { assertion: string }).assertion;
    expect(assertion).toMatch(/<saml2:NameID[^>]*>bob<\/saml2:NameID>/);
    expect(await verifyWithXmlsec(assertion, key.certificateFile, { strict: true })).toMatchObject({ ok: true });
    await expect(provider.authenticate(request({ userPrincipalName: 'alice@contoso.com', accessToken: token }))).rejects.toMatchObject({ code: 'CW_TOKEN_INVALID' });
    await expect(provider.authenticate(request({ userPrincipalName: 'alice@contoso.com' }))).rejects.toMatchObject({ code: 'CW_TOKEN_INVALID', details: { reason: 'missing' } });
    await provider.dispose?.();
  });
});
