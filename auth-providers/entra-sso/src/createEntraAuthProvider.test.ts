import type { AuthRequest, IdentityKind, Logger } from '@causeway/sdk';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuer } from '../../../test/fixtures/oidc/index.js';
import { createEntraAuthProvider, type EntraAuthProvider } from './createEntraAuthProvider.js';
import type { EntraDataSourceSettings, EntraPluginSettings } from './entraSettings.js';

const audience = 'api://causeway-gateway';
const clientId = 'gateway-app';
const clientSecret = `client-SECRET-${randomUUID()}`;
const sqlScope = 'https://database.windows.net/.default';

/** An RSA certificate and key made by openssl (client assertions are RS256). */
async function rsaCertificate(): Promise<{ cert: string; key: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cw-entra-cert-'));
  try {
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=gateway-app']);
    return { cert: await readFile(join(dir, 'c.pem'), 'utf8'), key: await readFile(join(dir, 'k.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A logger that keeps every line as text, to scan for secrets. */
function captureLogger(lines: string[], bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (obj: object | string, msg?: string) => void lines.push(JSON.stringify({ level, ...bindings, obj, msg }));
  return { trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (b) => captureLogger(lines, { ...bindings, ...b }) };
}

async function refusal(promise: Promise<unknown>): Promise<{ code?: string; message: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('createEntraAuthProvider', () => {
  let idp: OidcIssuer;
  let certificate: { cert: string; key: string };
  let otherCertificate: { cert: string; key: string };
  const logs: string[] = [];
  const errors: unknown[] = [];
  const seenTokens: string[] = [];
  const providers: EntraAuthProvider[] = [];
  let offsetMs = 0;

  beforeAll(async () => {
    [certificate, otherCertificate] = await Promise.all([rsaCertificate(), rsaCertificate()]);
    idp = await startOidcIssuer({ apiAudiences: [audience], clients: { [clientId]: { secret: clientSecret, certificatePem: certificate.cert } }, tokenDelayMs: 50 });
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.dispose?.()));
    await idp?.close();
  });

  const provider = (extra: Partial<EntraPluginSettings> = {}) => {
    const p = createEntraAuthProvider(
      { authority: idp.authority, tenants: [idp.tenantId], audiences: [audience], issuers: idp.issuers, clientId, clientCredential: 'secret', tokenEndpointTimeoutMs: 2000, ...extra },
      { logger: captureLogger(logs), clock: { now: () => Date.now() + offsetMs } },
    );
    providers.push(p);
    return p;
  };

  const request = async (
    settings: EntraDataSourceSettings,
    options: { token?: string; upn?: string; accepts?: IdentityKind[]; secret?: Record<string, unknown> } = {},
  ): Promise<AuthRequest<EntraDataSourceSettings>> => {
    const token = options.token ?? (await idp.signUserToken({ upn: options.upn ?? 'ada@contoso.com' }));
    seenTokens.push(token);
    return {
      dataSourceId: 'sales',
      settings,
      identity: { accessToken: token, userPrincipalName: options.upn ?? 'ada@contoso.com' },
      secret: options.secret ?? { clientSecret },
      accepts: options.accepts ?? ['access-token'],
      signal: new AbortController().signal,
    };
  };

  const run = async (p: EntraAuthProvider, req: AuthRequest<EntraDataSourceSettings>) => {
    try {
      const identity = await p.authenticate(req);
      if (identity.kind === 'access-token') seenTokens.push(identity.token);
      return identity;
    } catch (error) {
      errors.push(error);
      throw error;
    }
  };

  it('exchanges the user token on behalf of the user, with a client secret', async () => {
    const p = provider();
    const identity = await run(p, await request({ scope: sqlScope }));
    expect(identity.kind).toBe('access-token');
    if (identity.kind !== 'access-token') return;
    const claims = await idp.verifyToken(identity.token, 'https://database.windows.net');
    expect(claims).toMatchObject({ upn: 'ada@contoso.com', appid: clientId, tid: idp.tenantId });
    expect(identity.expiresAt).toBeGreaterThan(Date.now() + 3000_000);
    expect(idp.issued.at(-1)).toMatchObject({ clientId, scope: sqlScope, upn: 'ada@contoso.com' });
  });

  it('exchanges with a certificate client assertion (x5t#S256)', async () => {
    const p = provider({ clientCredential: 'certificate' });
    const identity = await run(p, await request({ scope: sqlScope }, { upn: 'cert@contoso.com', secret: { clientCertificate: certificate.cert, clientKey: certificate.key } }));
    expect(identity.kind).toBe('access-token');
    expect(idp.issued.at(-1)).toMatchObject({ upn: 'cert@contoso.com' });
  });

  it('is refused with invalid-client when the certificate is not registered', async () => {
    const p = provider({ clientCredential: 'certificate' });
    const error = await refusal(run(p, await request({ scope: sqlScope }, { secret: { clientCertificate: otherCertificate.cert, clientKey: otherCertificate.key } })));
    expect(error).toMatchObject({ code: 'CW_TOKEN_EXCHANGE_FAILED', details: { reason: 'invalid-client', aadsts: 'AADSTS700027' } });
  });

  it('refuses a key that does not belong to the certificate before calling the identity provider', async () => {
    const p = provider({ clientCredential: 'certificate' });
    const before = idp.requests.token;
    const error = await refusal(run(p, await request({ scope: sqlScope }, { secret: { clientCertificate: certificate.cert, clientKey: otherCertificate.key } })));
    expect(error).toMatchObject({ code: 'CW_CREDENTIALS_MISSING', message: expect.stringMatching(/not the private key/) });
    expect(idp.requests.token).toBe(before);
  });

  it('shares one exchange among concurrent jobs of one user, and caches it; another user gets its own', async () => {
    const p = provider();
    const oid = randomUUID();
    const before = idp.requests.token;
    const token = await idp.signUserToken({ oid, upn: 'ada@contoso.com' });
    const results = await Promise.all(Array.from({ length: 20 }, async () => run(p, await request({ scope: sqlScope }, { token }))));
    expect(new Set(results.map((r) => (r.kind === 'access-token' ? r.token : '')))).toHaveProperty('size', 1);
    expect(idp.requests.token - before).toBe(1);
    expect(p.oboStats()).toMatchObject({ exchanges: 1, misses: 20, joined: 19, hits: 0 });

    // Later jobs of the same user (even with a fresh incoming token) are served from the cache.
    for (let i = 0; i < 10; i++) await run(p, await request({ scope: sqlScope }, { token: await idp.signUserToken({ oid, upn: 'ada@contoso.com' }) }));
    expect(idp.requests.token - before).toBe(1);
    expect(p.oboStats()).toMatchObject({ exchanges: 1, hits: 10 });

    // A second user, and the first user for another scope: one exchange each.
    const bobOid = randomUUID();
    await Promise.all(Array.from({ length: 5 }, async () => run(p, await request({ scope: sqlScope }, { upn: 'bob@contoso.com', token: await idp.signUserToken({ oid: bobOid, upn: 'bob@contoso.com' }) }))));
    await run(p, await request({ scope: 'https://analysis.windows.net/powerbi/api/.default' }, { token }));
    expect(idp.requests.token - before).toBe(3);
    const stats = p.oboStats();
    console.info(`entra-sso OBO cache: ${JSON.stringify(stats)} (${idp.requests.token - before} token-endpoint requests for ${stats.hits + stats.misses} jobs)`);
  });

  it('exchanges again once the cached token is within the refresh margin of its expiry', async () => {
    idp.setTokenLifetime(600);
    try {
      const p = provider({ oboRefreshMarginSeconds: 300 });
      const token = await idp.signUserToken({ upn: 'ada@contoso.com' });
      const first = await run(p, await request({ scope: sqlScope }, { token }));
      offsetMs = 250_000; // 350 s left: still used
      const second = await run(p, await request({ scope: sqlScope }, { token }));
      expect(second).toEqual(first);
      offsetMs = 301_000; // 299 s left: inside the margin
      const third = await run(p, await request({ scope: sqlScope }, { token }));
      expect(third).not.toEqual(first);
      expect(p.oboStats()).toMatchObject({ exchanges: 2, hits: 1 });
    } finally {
      offsetMs = 0;
      idp.setTokenLifetime(3600);
    }
  });

  it.each([
    ['consent missing (AADSTS65001)', { status: 400, error: 'invalid_grant', aadsts: 65001, description: 'The user or administrator has not consented to use the application.' }, 'CW_TOKEN_EXCHANGE_FAILED', 'consent-required'],
    ['interaction required (AADSTS50076)', { status: 400, error: 'interaction_required', aadsts: 50076, description: 'Due to a configuration change you must use multi-factor authentication.' }, 'CW_TOKEN_EXCHANGE_FAILED', 'consent-required'],
    ['an expired assertion (AADSTS500133)', { status: 400, error: 'invalid_grant', aadsts: 500133, description: 'Assertion is not within its valid time range.' }, 'CW_TOKEN_EXCHANGE_FAILED', 'invalid-grant'],
    ['an unknown resource (AADSTS500011)', { status: 400, error: 'invalid_resource', aadsts: 500011, description: 'The resource principal was not found.' }, 'CW_TOKEN_EXCHANGE_FAILED', 'invalid-scope'],
    ['a server error', { status: 503, error: 'temporarily_unavailable', aadsts: 90033, description: 'A transient error has occurred.' }, 'CW_IDENTITY_PROVIDER_UNREACHABLE', 'server-error'],
  ] as const)('maps %s', async (_name, failure, code, reason) => {
    const p = provider();
    idp.failTokenRequests(failure);
    const error = await refusal(run(p, await request({ scope: sqlScope }, { upn: `${randomUUID()}@contoso.com` })));
    expect(error).toMatchObject({ code, details: { reason, aadsts: `AADSTS${failure.aadsts}`, error: failure.error } });
    expect(error.message).toContain(`AADSTS${failure.aadsts}`);
    // A failure is not cached: the next job exchanges again and succeeds.
    expect((await run(p, await request({ scope: sqlScope }))).kind).toBe('access-token');
  });

  it('maps a wrong client secret to invalid-client', async () => {
    const p = provider();
    const error = await refusal(run(p, await request({ scope: sqlScope }, { secret: { clientSecret: 'wrong-SECRET-value' } })));
    expect(error).toMatchObject({ code: 'CW_TOKEN_EXCHANGE_FAILED', details: { reason: 'invalid-client', aadsts: 'AADSTS7000215' } });
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('wrong-SECRET-value');
  });

  it('maps a scope the issuer refuses to invalid-scope', async () => {
    const error = await refusal(run(provider(), await request({ scope: 'https://database.windows.net/user_impersonation' })));
    expect(error).toMatchObject({ code: 'CW_TOKEN_EXCHANGE_FAILED', details: { reason: 'invalid-scope', aadsts: 'AADSTS70011' } });
  });

  it('times out a token endpoint that does not answer, and reports a dropped connection', async () => {
    const p = provider({ tokenEndpointTimeoutMs: 300 });
    idp.failTokenRequests('hang');
    const started = Date.now();
    expect(await refusal(run(p, await request({ scope: sqlScope })))).toMatchObject({ code: 'CW_IDENTITY_PROVIDER_UNREACHABLE', details: { reason: 'timeout', timeoutMs: 300 } });
    expect(Date.now() - started).toBeLessThan(2000);
    idp.failTokenRequests('reset');
    expect(await refusal(run(p, await request({ scope: sqlScope })))).toMatchObject({ code: 'CW_IDENTITY_PROVIDER_UNREACHABLE', details: { reason: 'network' } });
  });

  it('stops waiting when the job is cancelled, while the shared exchange completes for the others', async () => {
    const p = provider();
    const token = await idp.signUserToken({ upn: 'carol@contoso.com' });
    const cancelled = new AbortController();
    const first = run(p, { ...(await request({ scope: sqlScope }, { token, upn: 'carol@contoso.com' })), signal: cancelled.signal });
    const second = run(p, await request({ scope: sqlScope }, { token, upn: 'carol@contoso.com' }));
    await new Promise((r) => setTimeout(r, 5));
    cancelled.abort(new Error('job cancelled'));
    await expect(first).rejects.toThrow('job cancelled');
    await expect(second).resolves.toMatchObject({ kind: 'access-token' });
  });

  it('validates before anything else: a bad token never reaches the token endpoint', async () => {
    const p = provider();
    const before = idp.requests.token;
    const error = await refusal(run(p, await request({ scope: sqlScope }, { token: await idp.signUserToken({ aud: 'api://other' }) })));
    expect(error).toMatchObject({ code: 'CW_TOKEN_INVALID', details: { reason: 'audience' } });
    const mismatch = await refusal(run(p, { ...(await request({ scope: sqlScope })), identity: { accessToken: await idp.signUserToken({ upn: 'ada@contoso.com' }), userPrincipalName: 'boss@contoso.com' } }));
    expect(mismatch).toMatchObject({ code: 'CW_TOKEN_INVALID', details: { reason: 'upn-mismatch' } });
    expect(idp.requests.token).toBe(before);
  });

  it('produces effective-user: the stored service account acting as the mapped token UPN', async () => {
    const p = provider();
    const settings: EntraDataSourceSettings = { userMapping: { rules: [{ kind: 'domain', from: 'contoso.com', account: 'CONTOSO\\{user}' }] } };
    const identity = await run(p, await request(settings, { accepts: ['effective-user'], upn: 'Ada@contoso.com', secret: { username: 'svc-olap', password: 'svc-SECRET-pw' } }));
    expect(identity).toEqual({ kind: 'effective-user', service: { kind: 'password', username: 'svc-olap', password: 'svc-SECRET-pw' }, effectiveUserName: 'CONTOSO\\Ada' });
    // The UPN comes from the verified token even when the job states none.
    const noJobUpn = await request(settings, { accepts: ['effective-user'], secret: { password: 'svc-SECRET-pw' } });
    const fromToken = await run(p, { ...noJobUpn, settings: { ...settings, serviceUsername: 'svc-olap' }, identity: { accessToken: await idp.signUserToken({ upn: 'bob@contoso.com' }) } });
    expect(fromToken).toMatchObject({ effectiveUserName: 'CONTOSO\\bob' });
    const unmapped = await refusal(run(p, await request(settings, { accepts: ['effective-user'], upn: 'eve@fabrikam.com', secret: { username: 'svc', password: 'pw-SECRET' } })));
    expect(unmapped).toMatchObject({ code: 'CW_USER_UNKNOWN' });
  });

  it('picks the first accepted kind the data source is set up for, and says what is missing otherwise', async () => {
    const p = provider();
    const both: EntraDataSourceSettings = { scope: sqlScope, userMapping: { rules: [{ kind: 'identity' }] } };
    expect((await run(p, await request(both, { accepts: ['effective-user', 'access-token'], secret: { username: 'svc', password: 'pw-SECRET', clientSecret } }))).kind).toBe('effective-user');
    expect((await run(p, await request({ scope: sqlScope }, { accepts: ['effective-user', 'access-token'] }))).kind).toBe('access-token');
    const none = await refusal(run(p, await request({ scope: sqlScope }, { accepts: ['effective-user'] })));
    expect(none).toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED', message: expect.stringMatching(/userMapping/) });
    const noToken = await refusal(run(p, { ...(await request({ scope: sqlScope })), identity: { userPrincipalName: 'ada@contoso.com' } }));
    expect(noToken).toMatchObject({ code: 'CW_CREDENTIALS_MISSING' });
    const noSecret = await refusal(run(p, { ...(await request({ scope: sqlScope })), secret: undefined }));
    expect(noSecret).toMatchObject({ code: 'CW_CREDENTIALS_MISSING', message: expect.stringMatching(/client secret/) });
  });

  it('never puts a token, a client secret or a key in a log line or an error', () => {
    expect(logs.length).toBeGreaterThan(10);
    expect(errors.length).toBeGreaterThan(10);
    const text = [
      ...logs,
      ...errors.map((e) => {
        const err = e as { message?: string; details?: unknown; stack?: string };
        return JSON.stringify({ message: err.message, details: err.details, stack: err.stack });
      }),
    ].join('\n');
    const secrets = [...seenTokens.flatMap((t) => [t, ...t.split('.').filter((part) => part.length > 16)]), clientSecret, 'svc-SECRET-pw', certificate.key.split('\n')[1]!];
    expect(seenTokens.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
  });
});
