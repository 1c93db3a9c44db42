import { readFileSync } from 'node:fs';
import { userMappingConfigSchema } from '@causeway/user-mapping';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(new URL('../plugin.json', import.meta.url), 'utf8')) as {
  id: string;
  authProvider: { produces: string[] };
  dataSourceSchema: { properties: Record<string, unknown>; required: string[] };
  settingsSchema: { required: string[] };
};

describe('plugin.json', () => {
  it('declares the kerberos-kcd provider producing kerberos identities', () => {
    expect(manifest.id).toBe('kerberos-kcd');
    expect(manifest.authProvider.produces).toEqual(['kerberos']);
    expect(manifest.settingsSchema.required).toEqual(['keytab', 'principal']);
    expect(manifest.dataSourceSchema.required).toEqual(['spn', 'userMapping']);
  });

  it("takes entra-sso's token-validation settings, unchanged, under entraToken", () => {
    const entra = JSON.parse(readFileSync(new URL('../../entra-sso/plugin.json', import.meta.url), 'utf8')) as { settingsSchema: { properties: Record<string, unknown> } };
    const entraToken = (manifest.settingsSchema as unknown as { properties: { entraToken: { properties: Record<string, unknown>; required: string[] } } }).properties.entraToken;
    expect(entraToken.required).toEqual(['authority', 'tenants', 'audiences']);
    for (const [key, schema] of Object.entries(entraToken.properties)) expect(schema, key).toEqual(entra.settingsSchema.properties[key]);
    expect(Object.keys(entraToken.properties)).toHaveLength(12);
  });

  it("carries an exact copy of @causeway/user-mapping's config schema under userMapping", () => {
    expect(manifest.dataSourceSchema.properties.userMapping).toEqual(userMappingConfigSchema);
  });
});
