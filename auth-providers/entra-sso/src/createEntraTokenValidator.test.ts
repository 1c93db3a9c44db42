import { base64url, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuer } from '../../../test/fixtures/oidc/index.js';
import { createEntraTokenValidator } from './createEntraTokenValidator.js';
import type { EntraValidatorSettings } from './entraSettings.js';

const audience = 'api://causeway-gateway';

async function refusal(promise: Promise<unknown>): Promise<{ code?: string; message: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('createEntraTokenValidator against a local issuer', () => {
  let idp: OidcIssuer;
  let settings: EntraValidatorSettings;

  beforeAll(async () => {
    idp = await startOidcIssuer({ apiAudiences: [audience] });
    settings = { authority: idp.authority, tenants: [idp.tenantId], audiences: [audience], issuers: idp.issuers, tokenVersions: ['v2', 'v1'], clockSkewSeconds: 60 };
  });
  afterAll(() => idp?.close());

  it('accepts a good token and takes the UPN, oid and tid from it', async () => {
    const validator = createEntraTokenValidator(settings);
    const oid = randomUUID();
    const result = await validator.validate(await idp.signUserToken({ oid, upn: 'Ada@Contoso.com' }), { expectedUpn: 'ada@contoso.COM' });
    expect(result).toMatchObject({ upn: 'Ada@Contoso.com', oid, tid: idp.tenantId, version: 'v2' });
    expect(result.expiresAt).toBeGreaterThan(Date.now());
  });

  it('falls back to preferred_username, and accepts a v1 issuer when allowed', async () => {
    const validator = createEntraTokenValidator(settings);
    const token = await idp.signUserToken({ preferred_username: 'bob@contoso.com', iss: idp.issuers.v1.replace('{tid}', idp.tenantId), ver: '1.0' }, { omit: ['upn'] });
    expect(await validator.validate(token)).toMatchObject({ upn: 'bob@contoso.com', version: 'v1' });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Promise<string>, string, Partial<EntraValidatorSettings>?]> = [
    ['expired (beyond the skew)', () => idp.signUserToken({ exp: now() - 120, iat: now() - 3700, nbf: now() - 3700 }), 'expired'],
    ['not yet valid (beyond the skew)', () => idp.signUserToken({ nbf: now() + 300 }), 'not-yet-valid'],
    ['for another audience', () => idp.signUserToken({ aud: 'api://someone-else' }), 'audience'],
    ['from another issuer', () => idp.signUserToken({ iss: 'https://evil.example/{tid}/v2.0' }), 'issuer'],
    ['v1 issuer when only v2 is accepted', async () => idp.signUserToken({ iss: idp.issuers.v1.replace('{tid}', idp.tenantId) }), 'issuer', { tokenVersions: ['v2'] }],
    ['of a tenant not allowed', () => idp.signUserToken({ tid: randomUUID() }), 'tenant'],
    ['without a UPN', () => idp.signUserToken({}, { omit: ['upn'] }), 'missing'],
    ['without oid', () => idp.signUserToken({}, { omit: ['oid'] }), 'missing'],
    ['without tid', () => idp.signUserToken({}, { omit: ['tid'] }), 'missing'],
    ['lacking a required scope', () => idp.signUserToken({ scp: 'other' }), 'scope', { requiredScopes: ['access_as_user'] }],
    ['re-signed with another key under the same kid', async () => idp.signUserToken({}, { key: (await generateKeyPair('RS256')).privateKey }), 'signature'],
    ['with a kid the issuer never published', async () => idp.signUserToken({}, { kid: 'unknown-kid', key: (await generateKeyPair('RS256')).privateKey }), 'signature'],
    ['signed with RS512 (by the right key) when only RS256 is allowed', async () => idp.signUserToken({}, { alg: 'RS512', key: await importPKCS8(await exportPKCS8(idp.currentKeys.privateKey), 'RS512') }), 'algorithm'],
    [
      'unsigned (alg: none)',
      async () => {
        const good = await idp.signUserToken();
        const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid: idp.currentKid }));
        return `${header}.${good.split('.')[1]}.`;
      },
      'algorithm',
    ],
    [
      'HS256 with the public key as the HMAC secret',
      async () => {
        const pem = await exportSPKI(idp.currentKeys.publicKey);
        const n = now();
        return new SignJWT({ aud: audience, iss: idp.issuerV2(), tid: idp.tenantId, oid: randomUUID(), upn: 'ada@contoso.com', iat: n, nbf: n, exp: n + 3600 })
          .setProtectedHeader({ alg: 'HS256', kid: idp.currentKid })
          .sign(new TextEncoder().encode(pem));
      },
      'algorithm',
    ],
    ['not a JWT at all', async () => 'not-a-token', 'malformed'],
    ['with a header that is not JSON', async () => 'e30x.e30.sig', 'malformed'],
  ];

  it.each(cases)('refuses a token %s', async (_name, make, reason, extra) => {
    const validator = createEntraTokenValidator({ ...settings, ...extra });
    const token = await make();
    const error = await refusal(validator.validate(token));
    expect(error).toMatchObject({ code: 'CW_TOKEN_INVALID', details: { reason } });
    // The refusal names the problem, never the token or its signature.
    const text = JSON.stringify({ message: error.message, details: error.details });
    expect(text).not.toContain(token);
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(text).not.toContain(part);
  });

  it('refuses a job whose UPN disagrees with the token', async () => {
    const validator = createEntraTokenValidator(settings);
    const error = await refusal(validator.validate(await idp.signUserToken({ upn: 'ada@contoso.com' }), { expectedUpn: 'ceo@contoso.com' }));
    expect(error).toMatchObject({ code: 'CW_TOKEN_INVALID', details: { reason: 'upn-mismatch', jobUpn: 'ceo@contoso.com', tokenUpn: 'ada@contoso.com' } });
  });

  it('accepts a token within the clock skew on either side', async () => {
    const validator = createEntraTokenValidator({ ...settings, clockSkewSeconds: 60 });
    await expect(validator.validate(await idp.signUserToken({ exp: now() - 30 }))).resolves.toMatchObject({ upn: 'ada@contoso.com' });
    await expect(validator.validate(await idp.signUserToken({ nbf: now() + 30 }))).resolves.toMatchObject({ upn: 'ada@contoso.com' });
  });

  it('fetches the JWKS once for many validations, and measures the warm cost', async () => {
    const validator = createEntraTokenValidator(settings);
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => idp.signUserToken({ upn: `user${i}@contoso.com` })));
    const before = { ...idp.requests };
    await Promise.all(tokens.slice(0, 10).map((t) => validator.validate(t))); // concurrent cold start
    const costs: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (const token of tokens) {
        const t = performance.now();
        await validator.validate(token);
        costs.push(performance.now() - t);
      }
    }
    expect(idp.requests.jwks - before.jwks).toBe(1);
    expect(idp.requests.metadata - before.metadata).toBe(1);
    costs.sort((a, b) => a - b);
    const median = costs[Math.floor(costs.length / 2)]!;
    const p95 = costs[Math.floor(costs.length * 0.95)]!;
    console.info(`entra-sso validation, warm JWKS, ${costs.length} tokens: median ${median.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms`);
    expect(median).toBeLessThan(20);
  });

  it('follows a key rotation with one refetch, and then refuses tokens of the retired key', async () => {
    const validator = createEntraTokenValidator({ ...settings, jwksCooldownMs: 100 });
    const oldToken = await idp.signUserToken();
    await validator.validate(oldToken);
    const fetched = idp.requests.jwks;
    await idp.rotateKeys({ keepOld: false });
    await new Promise((r) => setTimeout(r, 150));
    const newToken = await idp.signUserToken();
    await expect(validator.validate(newToken)).resolves.toMatchObject({ upn: 'ada@contoso.com' });
    expect(idp.requests.jwks - fetched).toBe(1);
    // Many more validations with the new key: no further fetch.
    for (let i = 0; i < 20; i++) await validator.validate(newToken);
    expect(idp.requests.jwks - fetched).toBe(1);
    // The old key is gone from the published set: its tokens no longer verify.
    await new Promise((r) => setTimeout(r, 150));
    expect(await refusal(validator.validate(oldToken))).toMatchObject({ code: 'CW_TOKEN_INVALID', details: { reason: 'signature' } });
  });

  it('does not refetch the JWKS for unknown kids within the cooldown', async () => {
    const validator = createEntraTokenValidator({ ...settings, jwksCooldownMs: 60_000 });
    await validator.validate(await idp.signUserToken());
    const fetched = idp.requests.jwks;
    const stranger = (await generateKeyPair('RS256')).privateKey;
    for (let i = 0; i < 5; i++) {
      expect(await refusal(validator.validate(await idp.signUserToken({}, { kid: `random-${i}`, key: stranger })))).toMatchObject({ details: { reason: 'signature' } });
    }
    expect(idp.requests.jwks).toBe(fetched);
  });

  it('reports an unreachable authority as CW_IDENTITY_PROVIDER_UNREACHABLE', async () => {
    const validator = createEntraTokenValidator({ ...settings, authority: 'http://127.0.0.1:1/nowhere', metadataTimeoutMs: 2000 });
    const error = await refusal(validator.validate(await idp.signUserToken()));
    expect(error).toMatchObject({ code: 'CW_IDENTITY_PROVIDER_UNREACHABLE', details: { reason: 'network' } });
  });

  it('refuses an authority over plain http that is not loopback', () => {
    expect(() => createEntraTokenValidator({ ...settings, authority: 'http://login.example.com/tenant' })).toThrow(expect.objectContaining({ code: 'CW_CONFIG_INVALID' }));
  });
});
