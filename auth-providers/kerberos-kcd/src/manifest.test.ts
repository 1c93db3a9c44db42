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

  it("carries an exact copy of @causeway/user-mapping's config schema under userMapping", () => {
    expect(manifest.dataSourceSchema.properties.userMapping).toEqual(userMappingConfigSchema);
  });
});
