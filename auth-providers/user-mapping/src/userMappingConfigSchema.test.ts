// The schema is what the host checks an embedded config with; validateUserMappingConfig is what the
// library checks with. They must agree, and the schema's properties must be exactly the TypeScript
// interfaces' keys. The host's own validator is used: a throw-away auth-provider plugin folder whose
// manifest embeds the schema, loaded with loadPluginFolder from @causeway/host.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPluginFolder, type PluginFolder } from '@causeway/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainRule, IdentityRule, LdapCacheSettings, LdapRule, LdapTlsSettings, TableRule, UserMappingConfig } from './userMappingConfig.js';
import { userMappingConfigSchema } from './userMappingConfigSchema.js';
import { invalidConfigs, validConfigs } from './configExamples.fixture.js';

type Schema = { properties: Record<string, Schema>; items: { oneOf: Schema[] } & Schema; [key: string]: unknown };
const schema = userMappingConfigSchema as unknown as Schema;
const branches = schema.properties.rules!.items.oneOf;
const branch = (kind: string): Schema => branches.find((b) => (b.properties.kind as { const?: string }).const === kind)!;

// Compile-time: these records must list every key of the interfaces (a missing or extra key fails tsc).
const keys = {
  config: { rules: true } satisfies Record<keyof UserMappingConfig, true>,
  table: { kind: true, name: true, accounts: true } satisfies Record<keyof TableRule, true>,
  domain: { kind: true, name: true, from: true, account: true } satisfies Record<keyof DomainRule, true>,
  identity: { kind: true, name: true, domains: true } satisfies Record<keyof IdentityRule, true>,
  ldap: {
    kind: true, name: true, domains: true, urls: true, startTls: true, tls: true, bindDn: true, bindPasswordFile: true, baseDn: true, scope: true,
    searchAttribute: true, resultAttribute: true, filter: true, account: true, pageSize: true, connectTimeoutMs: true, timeoutMs: true,
    maxConcurrentLookups: true, cache: true,
  } satisfies Record<keyof LdapRule, true>,
  tls: { ca: true, rejectUnauthorized: true, servername: true } satisfies Record<keyof LdapTlsSettings, true>,
  cache: { ttlMs: true, negativeTtlMs: true, maxEntries: true } satisfies Record<keyof LdapCacheSettings, true>,
};

describe('userMappingConfigSchema', () => {
  let dir: string;
  let plugin: PluginFolder;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'causeway-user-mapping-schema-'));
    const manifest = {
      id: 'mapping-probe',
      kind: 'auth-provider',
      version: '0.1.0',
      sdk: '^1.0.0',
      main: './index.js',
      displayName: 'Mapping probe',
      publisher: 'Causeway tests',
      description: 'Embeds the user-mapping schema in its dataSourceSchema.',
      capabilities: ['password'],
      authProvider: { produces: ['password'] },
      settingsSchema: { type: 'object', additionalProperties: false },
      dataSourceSchema: { type: 'object', properties: { userMapping: userMappingConfigSchema, spn: { type: 'string' } }, required: ['userMapping'], additionalProperties: false },
    };
    await writeFile(join(dir, 'plugin.json'), JSON.stringify(manifest));
    await writeFile(join(dir, 'index.js'), 'export default {};\n');
    plugin = await loadPluginFolder(dir);
  });

  afterAll(async () => {
    await plugin?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const check = (config: unknown) => plugin.checkDataSourceSettings({ spn: 'MySQL/db.contoso.local', userMapping: structuredClone(config) }, '/dataSources/hr/auth/settings');

  it('declares exactly the properties of the TypeScript types', () => {
    const names = (s: Schema) => Object.keys(s.properties).sort();
    expect(names(schema)).toEqual(Object.keys(keys.config).sort());
    for (const kind of ['table', 'domain', 'identity', 'ldap'] as const) expect(names(branch(kind))).toEqual(Object.keys(keys[kind]).sort());
    expect(names(branch('ldap').properties.tls!)).toEqual(Object.keys(keys.tls).sort());
    expect(names(branch('ldap').properties.cache!)).toEqual(Object.keys(keys.cache).sort());
  });

  it('holds no $ref or $id, so it can be embedded anywhere in a manifest schema', () => {
    expect(JSON.stringify(schema)).not.toMatch(/"\$(ref|id|defs|schema)"/);
  });

  it.each(validConfigs)('accepts %s (host validator, embedded)', (_name, config) => {
    expect(check(config).problems).toEqual([]);
  });

  it.each(invalidConfigs)('agrees with the validator on %s', (_name, config, _pointer, schemaCatches) => {
    // The validator rejects all of these; the schema those it can express (the others need code).
    expect(check(config).problems.length > 0).toBe(schemaCatches);
  });

  it('names the embedded pointer of a problem', () => {
    const { problems } = check({ rules: [{ kind: 'ldap', urls: ['ldap://dc1'], baseDn: 'dc=x', pageSize: 0 }] });
    expect(problems.map((p) => p.pointer)).toContain('/dataSources/hr/auth/settings/userMapping/rules/0/pageSize');
  });
});
