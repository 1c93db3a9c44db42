// The plugin as the host loads it: its manifest against the manifest schema, the user-mapping schema
// it embeds, its settings bounds, and the built entry created through the host's plugin runtime.
import { readFile, chmod } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadPluginFolder } from '@causeway/host';
import { coreServices } from '@causeway/sdk';
import { userMappingConfigSchema } from '@causeway/user-mapping';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import samlProvider from './index.js';
import { createTestPki, type TestIdentity, type TestPki } from './testing/createTestPki.js';
import { verifyWithXmlsec } from './testing/verifyWithXmlsec.js';

const folder = fileURLToPath(new URL('..', import.meta.url));

describe('saml plugin', () => {
  let pki: TestPki;
  let idp: TestIdentity;
  let settings: Record<string, unknown>;

  beforeAll(async () => {
    pki = await createTestPki();
    idp = await pki.identity('idp');
    settings = { signingKeyFile: idp.keyFile, certificateFile: idp.certificateFile, issuer: 'causeway-gateway' };
  });
  afterAll(() => pki?.remove());

  it('is a version 1 auth provider that uses the logger, clock and plugin context', () => {
    expect(samlProvider).toMatchObject({ kind: 'auth-provider', apiVersion: 1 });
    expect(samlProvider.deps).toEqual({ logger: coreServices.logger, clock: coreServices.clock, plugin: coreServices.plugin });
  });

  it('declares id saml, produces ["saml"], and embeds exactly the user-mapping schema', async () => {
    const manifest = JSON.parse(await readFile(new URL('../plugin.json', import.meta.url), 'utf8')) as { dataSourceSchema: { properties: Record<string, unknown> } };
    expect(manifest).toMatchObject({ id: 'saml', kind: 'auth-provider', main: './dist/index.js', authProvider: { produces: ['saml'] } });
    expect(manifest.dataSourceSchema.properties.userMapping).toEqual(userMappingConfigSchema);
  });

  it('is accepted by the host, applies defaults and refuses out-of-bounds settings', async () => {
    const plugin = await loadPluginFolder(folder, { settings });
    const checked = plugin.checkDataSourceSettings({ audience: 'HANA_SP', userMapping: { rules: [{ kind: 'identity' }] } });
    expect(checked.problems).toEqual([]);
    expect(checked.settings).toMatchObject({ nameIdFormat: 'unspecified', nameIdValue: 'account' });
    expect(plugin.checkDataSourceSettings({ audience: 'HANA_SP' }, '/dataSources/h/auth/settings').problems).toEqual([{ pointer: '/dataSources/h/auth/settings/userMapping', message: 'is required' }]);
    expect(plugin.checkDataSourceSettings({ audience: 'A', userMapping: { rules: [{ kind: 'identity' }] }, nameIdFormat: 'transient' }).problems).not.toEqual([]);
    await plugin.dispose();
    for (const bad of [{ validitySeconds: 5 }, { validitySeconds: 3601 }, { clockSkewSeconds: 601 }, { signatureAlgorithm: 'rsa-sha1' }, { digestAlgorithm: 'sha1' }, { issuer: '' }, { extra: 1 }]) {
      await expect(loadPluginFolder(folder, { settings: { ...settings, ...bad } }), JSON.stringify(bad)).rejects.toMatchObject({ code: 'CW_PLUGIN_SETTINGS_INVALID' });
    }
  });

  it('is created through the plugin runtime and signs an assertion xmlsec1 verifies', async () => {
    const plugin = await loadPluginFolder(folder, { settings });
    const provider = await plugin.use('auth-provider');
    const identity = await provider.authenticate({
      dataSourceId: 'hana',
      settings: { audience: 'HANA_SP', userMapping: { rules: [{ kind: 'identity' }] } },
      identity: { userPrincipalName: 'ada@contoso.com' },
      secret: undefined,
      accepts: ['saml'],
      signal: new AbortController().signal,
    });
    expect(identity.kind).toBe('saml');
    expect((await verifyWithXmlsec((identity as { assertion: string }).assertion, idp.certificateFile, { strict: true })).ok).toBe(true);
    await plugin.dispose();
  });

  it('fails to load with CW_SAML_CONFIG_INVALID when the key file is readable by others', async () => {
    await chmod(idp.keyFile, 0o644);
    try {
      const plugin = await loadPluginFolder(folder, { settings });
      // The runtime passes a coded create() failure through unchanged.
      const error = (await plugin.use('auth-provider').then(() => undefined, (e: unknown) => e)) as (Error & { code?: string }) | undefined;
      expect(error).toMatchObject({ code: 'CW_SAML_CONFIG_INVALID', location: { pointer: '/plugins/settings/saml/signingKeyFile' } });
      expect(error?.message).toContain(idp.keyFile);
      await plugin.dispose();
    } finally {
      await chmod(idp.keyFile, 0o600);
    }
  });
});
