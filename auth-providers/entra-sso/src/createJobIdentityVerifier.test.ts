import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuer } from '../../../test/fixtures/oidc/index.js';
import { createJobIdentityVerifier, type JobIdentityVerifier } from './createJobIdentityVerifier.js';

const audience = 'api://causeway-gateway';
const context = { dataSourceId: 'warehouse', provider: 'kerberos-kcd' };

describe('createJobIdentityVerifier', () => {
  let idp: OidcIssuer;
  let verifier: JobIdentityVerifier;

  beforeAll(async () => {
    idp = await startOidcIssuer({ apiAudiences: [audience] });
    verifier = createJobIdentityVerifier({ authority: idp.authority, tenants: [idp.tenantId], audiences: [audience], issuers: idp.issuers });
  });
  afterAll(async () => idp?.close());

  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as { code: string; message: string; details?: { reason?: string } });

  it("takes the UPN from the verified token, whether or not the job claims one", async () => {
    const token = await idp.signUserToken({ upn: 'Bob@contoso.com' });
    expect(await verifier.verify({ accessToken: token }, context)).toEqual({ userPrincipalName: 'Bob@contoso.com', accessToken: token });
    expect((await verifier.verify({ userPrincipalName: 'bob@contoso.com', accessToken: token }, context)).userPrincipalName).toBe('Bob@contoso.com');
  });

  it('refuses a job without a token, naming the data source and provider', async () => {
    const error = await refusal(verifier.verify({ userPrincipalName: 'alice@contoso.com' }, context));
    expect(error).toMatchObject({ code: 'CW_TOKEN_INVALID', details: { reason: 'missing' } });
    expect(error!.message).toContain('"warehouse"');
    expect(error!.message).toContain('kerberos-kcd');
  });

  it("refuses a job whose UPN claim is not the token's, and a token signed by an unknown key", async () => {
    const token = await idp.signUserToken({ upn: 'bob@contoso.com' });
    expect(await refusal(verifier.verify({ userPrincipalName: 'alice@contoso.com', accessToken: token }, context))).toMatchObject({ code: 'CW_TOKEN_INVALID' });
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await idp.signUserToken({ upn: 'alice@contoso.com' }, { key: privateKey });
    const error = await refusal(verifier.verify({ accessToken: forged }, context));
    expect(error).toMatchObject({ code: 'CW_TOKEN_INVALID' });
    expect(error!.message).not.toContain(forged);
  });
});
