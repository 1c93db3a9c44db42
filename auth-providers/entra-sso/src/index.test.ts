import { loadPluginFolder } from '@causeway/host';
import { encryptForGateway } from '@causeway/protocol';
import type { AuthProvider } from '@causeway/sdk';
import { userMappingConfigSchema } from '@causeway/user-mapping';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuer } from '../../../test/fixtures/oidc/index.js';
import { startTdsServer, type TdsServer } from '../../../test/fixtures/tds/index.js';
import { startTestGateway, testKeys, type TestGateway } from '../../../test/support/startTestGateway.js';
import entraSso from './index.js';

const pluginDir = fileURLToPath(new URL('..', import.meta.url));
const audience = 'api://causeway-gateway';
const clientId = 'gateway-app';
const clientSecret = `client-SECRET-${randomUUID()}`;
const sqlAudience = 'https://database.windows.net';

describe('entra-sso plugin.json', () => {
  it('declares the provider, its kinds, and a userMapping schema equal to the library export', async () => {
    const manifest = JSON.parse(await readFile(new URL('../plugin.json', import.meta.url), 'utf8')) as {
      id: string;
      authProvider: { produces: string[] };
      dataSourceSchema: { properties: Record<string, unknown> };
    };
    expect(manifest.id).toBe('entra-sso');
    expect(manifest.authProvider.produces).toEqual(['access-token', 'effective-user']);
    expect(manifest.dataSourceSchema.properties.userMapping).toEqual(userMappingConfigSchema);
    expect(entraSso.kind).toBe('auth-provider');
  });

  it('is refused by the host with a pointer when settings are wrong, and defaults allowJobCredentials to false', async () => {
    await expect(loadPluginFolder(pluginDir, { settings: { authority: 'https://login.microsoftonline.com/x', tenants: ['not-a-guid'], audiences: [audience] } })).rejects.toMatchObject({
      code: 'CW_PLUGIN_SETTINGS_INVALID',
      message: expect.stringContaining('/tenants/0'),
    });
    await expect(loadPluginFolder(pluginDir, { settings: { authority: 'https://login.microsoftonline.com/x', tenants: [randomUUID()], audiences: [audience], allowedAlgorithms: ['HS256'] } })).rejects.toMatchObject({
      code: 'CW_PLUGIN_SETTINGS_INVALID',
      message: expect.stringContaining('/allowedAlgorithms/0'),
    });
    const folder = await loadPluginFolder(pluginDir, { settings: { authority: 'https://login.microsoftonline.com/x', tenants: [randomUUID()], audiences: [audience] } });
    expect(folder.checkDataSourceSettings({ scope: 'https://database.windows.net/.default' })).toEqual({ settings: { scope: 'https://database.windows.net/.default', allowJobCredentials: false }, problems: [] });
    expect(folder.checkDataSourceSettings({ scope: '' }, '/dataSources/sql/auth/settings').problems[0]).toMatchObject({ pointer: '/dataSources/sql/auth/settings/scope' });
    await folder.dispose();
  });
});

describe('entra-sso end to end: client -> relay -> host -> entra-sso (OBO) -> sqlserver (tedious) -> TDS fixture', () => {
  let idp: OidcIssuer;
  let tds: TdsServer;
  let gw: TestGateway;
  const fedAuthTokens: string[] = [];

  beforeAll(async () => {
    idp = await startOidcIssuer({ apiAudiences: [audience], clients: { [clientId]: { secret: clientSecret } } });
    // The TDS fixture checks the FEDAUTH token as Azure SQL would: issued by our IdP, for the database audience.
    tds = await startTdsServer({
      databases: ['sales'],
      verifyAccessToken: async (token) => {
        fedAuthTokens.push(token);
        try {
          const claims = await idp.verifyToken(token, sqlAudience);
          return typeof claims.upn === 'string' ? claims.upn : undefined;
        } catch {
          return undefined;
        }
      },
    });
    // The stored secret is encrypted to the gateway key, as `credentials encrypt --json` would make it.
    const keys = await testKeys();
    gw = await startTestGateway({
      configure(config) {
        config.plugins = {
          settings: {
            'entra-sso': { authority: idp.authority, tenants: [idp.tenantId], audiences: [audience], issuers: idp.issuers, clientId, clientCredential: 'secret' },
          },
        };
        config.dataSources.azsql = {
          connector: 'sqlserver',
          settings: { server: '127.0.0.1', port: tds.port, database: 'sales', encrypt: false },
          auth: { provider: 'entra-sso', settings: { scope: `${sqlAudience}/.default` }, secret: encryptForGateway(keys.publicKeyPem, { clientSecret }) },
        };
      },
    });
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
    await tds?.close();
    await idp?.close();
  });

  it('runs the query as the user, with the OBO token (not the incoming one) at the database', async () => {
    const oid = randomUUID();
    const incoming = await idp.signUserToken({ oid, upn: 'ada@contoso.com' });
    const stream = await gw.client.run(gw.gatewayId, {
      dataSource: 'azsql',
      query: { text: 'SELECT SUSER_NAME() AS who' },
      identity: { userPrincipalName: 'ada@contoso.com', accessToken: incoming },
    });
    const { rows } = await stream.collect();
    expect(rows).toEqual([['ada@contoso.com']]);
    expect(fedAuthTokens).not.toContain(incoming);
    const atDatabase = fedAuthTokens.at(-1)!;
    expect(idp.issued.map((i) => i.token)).toContain(atDatabase);
    const claims = await idp.verifyToken(atDatabase, sqlAudience);
    expect(claims).toMatchObject({ aud: sqlAudience, oid, upn: 'ada@contoso.com', appid: clientId, tid: idp.tenantId });
    expect(idp.issued.at(-1)).toMatchObject({ scope: `${sqlAudience}/.default`, clientId });

    // A second job of the same user reuses the exchanged token: no new exchange.
    const exchanges = idp.requests.token;
    const again = await gw.client.run(gw.gatewayId, { dataSource: 'azsql', query: { text: 'SELECT SUSER_NAME() AS who' }, identity: { accessToken: await idp.signUserToken({ oid, upn: 'ada@contoso.com' }) } });
    expect((await again.collect()).rows).toEqual([['ada@contoso.com']]);
    expect(idp.requests.token).toBe(exchanges);
  });

  it('answers a forged or mismatched token with CW_TOKEN_INVALID, and logs no token', async () => {
    const forged = await idp.signUserToken({ aud: 'api://other-app' });
    const failed = await gw.client.run(gw.gatewayId, { dataSource: 'azsql', query: { text: 'SELECT 1 AS n' }, identity: { accessToken: forged } });
    await expect(failed.collect()).rejects.toMatchObject({ code: 'CW_TOKEN_INVALID', message: expect.stringContaining('(audience)') });
    const lying = await idp.signUserToken({ upn: 'ada@contoso.com' });
    const mismatch = await gw.client.run(gw.gatewayId, { dataSource: 'azsql', query: { text: 'SELECT 1 AS n' }, identity: { accessToken: lying, userPrincipalName: 'ceo@contoso.com' } });
    await expect(mismatch.collect()).rejects.toMatchObject({ code: 'CW_TOKEN_INVALID', message: expect.stringContaining('upn-mismatch') });

    const text = gw.logs.join('\n');
    expect(text).toContain('CW_TOKEN_INVALID');
    for (const token of [forged, lying, ...fedAuthTokens, ...idp.issued.map((i) => i.token)]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.split('.')[2]);
    }
    expect(text).not.toContain(clientSecret);
  });
});

describe('entra-sso through loadPluginFolder', () => {
  it('creates the provider from its settings through the plugin runtime', async () => {
    const idp = await startOidcIssuer({ apiAudiences: [audience], clients: { [clientId]: { secret: clientSecret } } });
    try {
      const folder = await loadPluginFolder(pluginDir, { settings: { authority: idp.authority, tenants: [idp.tenantId], audiences: [audience], issuers: idp.issuers, clientId } });
      const provider = (await folder.use('auth-provider')) as AuthProvider<Record<string, unknown>>;
      const identity = await provider.authenticate({
        dataSourceId: 'olap',
        settings: { userMapping: { rules: [{ kind: 'identity' }] } },
        identity: { accessToken: await idp.signUserToken({ upn: 'ada@contoso.com' }) },
        secret: { username: 'svc', password: 'pw' },
        accepts: ['effective-user'],
        signal: new AbortController().signal,
      });
      expect(identity).toEqual({ kind: 'effective-user', service: { kind: 'password', username: 'svc', password: 'pw' }, effectiveUserName: 'ada@contoso.com' });
      await folder.dispose();
    } finally {
      await idp.close();
    }
  });
});
