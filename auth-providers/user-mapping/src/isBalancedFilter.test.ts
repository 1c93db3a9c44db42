import { describe, expect, it } from 'vitest';
import { isBalancedFilter } from './isBalancedFilter.js';

describe('isBalancedFilter', () => {
  it.each(['(objectClass=user)', '(&(a=b)(!(c=d)))', '(cn=a\\29b)', '(cn=\\28)'])('accepts %s', (filter) => {
    expect(isBalancedFilter(filter)).toBe(true);
  });

  it.each(['objectClass=user', '(a=b)(c=d)', '((a=b)', '(a=b))', '(a=\\2)', '(a=\\zz)', ')('])('refuses %s', (filter) => {
    expect(isBalancedFilter(filter)).toBe(false);
  });
});
