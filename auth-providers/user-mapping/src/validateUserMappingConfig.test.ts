import { describe, expect, it } from 'vitest';
import { invalidConfigs, validConfigs } from './configExamples.fixture.js';
import { assertUserMappingConfig, validateUserMappingConfig } from './validateUserMappingConfig.js';

describe('validateUserMappingConfig', () => {
  it.each(validConfigs)('accepts %s', (_name, config) => {
    expect(validateUserMappingConfig(config)).toEqual([]);
  });

  it.each(invalidConfigs)('rejects %s at its pointer', (_name, config, pointer) => {
    const problems = validateUserMappingConfig(config);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => p.pointer)).toContain(pointer);
  });

  it('reports every problem, not only the first', () => {
    const problems = validateUserMappingConfig({ rules: [{ kind: 'domain', from: 'a@b', account: 'x' }, { kind: 'ldap', urls: ['ldap://dc1'], baseDn: 'dc=x', pageSize: 0, scope: 'x' }] });
    expect(problems.map((p) => p.pointer)).toEqual(['/rules/0/from', '/rules/0/account', '/rules/1/scope', '/rules/1/pageSize']);
  });

  it('escapes table keys in pointers (RFC 6901)', () => {
    expect(validateUserMappingConfig({ rules: [{ kind: 'table', accounts: { 'a/b~c@x.y': '' } }] })[0]?.pointer).toBe('/rules/0/accounts/a~1b~0c@x.y');
  });
});

describe('assertUserMappingConfig', () => {
  it('throws CW_CONFIG_INVALID with every problem, pointers under the given prefix', () => {
    let caught: unknown;
    try {
      assertUserMappingConfig({ rules: [{ kind: 'nope' }, { kind: 'identity', x: 1 }] }, { pointer: '/dataSources/hr/auth/settings/userMapping', file: 'gateway.config.json' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'CW_CONFIG_INVALID',
      location: { file: 'gateway.config.json', pointer: '/dataSources/hr/auth/settings/userMapping/rules/0/kind' },
      details: { problems: [{ pointer: '/dataSources/hr/auth/settings/userMapping/rules/0/kind' }, { pointer: '/dataSources/hr/auth/settings/userMapping/rules/1/x' }] },
    });
    expect((caught as Error).message).toContain('gateway.config.json#/dataSources/hr/auth/settings/userMapping/rules/1/x unknown setting "x"');
  });

  it('passes a valid config', () => {
    expect(() => assertUserMappingConfig({ rules: [{ kind: 'identity' }] })).not.toThrow();
  });
});
