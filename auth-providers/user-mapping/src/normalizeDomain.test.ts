import { describe, expect, it } from 'vitest';
import { normalizeDomain } from './normalizeDomain.js';

describe('normalizeDomain', () => {
  it('drops a leading @ and folds case', () => {
    expect(normalizeDomain('@Contoso.COM')).toBe('contoso.com');
    expect(normalizeDomain('contoso.com')).toBe('contoso.com');
  });
});
