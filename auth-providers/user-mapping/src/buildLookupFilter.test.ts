import { AndFilter, EqualityFilter, FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { buildLookupFilter } from './buildLookupFilter.js';

describe('buildLookupFilter', () => {
  it('is one equality assertion without an extra filter', () => {
    expect(buildLookupFilter('userPrincipalName', 'ada@contoso.com')).toBe('(userPrincipalName=ada@contoso.com)');
  });

  it('ANDs the extra filter before the assertion', () => {
    expect(buildLookupFilter('mail', 'a*b', '(objectClass=user)')).toBe('(&(objectClass=user)(mail=a\\2ab))');
  });

  it('cannot be widened by the value: the parsed filter is the extra filter AND one equality', () => {
    const parsed = FilterParser.parseString(buildLookupFilter('mail', '*))(|(objectClass=*', '(objectClass=user)'));
    expect(parsed).toBeInstanceOf(AndFilter);
    const parts = (parsed as AndFilter).filters;
    expect(parts).toHaveLength(2);
    expect(parts[1]).toBeInstanceOf(EqualityFilter);
    expect((parts[1] as EqualityFilter).value).toBe('*))(|(objectClass=*');
  });
});
