// The examples in docs/user-mapping.md are configs admins will copy: they must be valid.
import { readFileSync } from 'node:fs';
import { FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import type { UserMappingConfig } from './userMappingConfig.js';
import { validateUserMappingConfig } from './validateUserMappingConfig.js';

const doc = readFileSync(new URL('../../../docs/user-mapping.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
const inline = [...doc.matchAll(/`(\{ "rules": .*?\})`/g)].map((m) => m[1]!);
const examples = [...blocks, ...inline].map((text) => JSON.parse(text) as UserMappingConfig);

describe('docs/user-mapping.md examples', () => {
  it('has the examples it promises', () => {
    expect(blocks.length).toBe(2);
    expect(inline.length).toBe(2);
  });

  it.each(examples.map((e, i) => [i, e] as const))('example %i is a valid config whose filters parse', (_i, example) => {
    expect(validateUserMappingConfig(example)).toEqual([]);
    for (const rule of example.rules) if (rule.kind === 'ldap' && rule.filter) expect(() => FilterParser.parseString(rule.filter!)).not.toThrow();
  });
});
