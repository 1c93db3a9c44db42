import { describe, expect, it } from 'vitest';
import { ruleLabel } from './mappingStep.js';

describe('ruleLabel', () => {
  it('names the rule by index, kind and name', () => {
    expect(ruleLabel(2, 'ldap', 'corp')).toBe('rule 2 (ldap "corp")');
    expect(ruleLabel(0, 'table', undefined)).toBe('rule 0 (table)');
  });
});
