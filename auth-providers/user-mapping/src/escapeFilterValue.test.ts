import { EqualityFilter, FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { escapeFilterValue } from './escapeFilterValue.js';

describe('escapeFilterValue', () => {
  it.each([
    ['*', '\\2a'],
    ['(', '\\28'],
    [')', '\\29'],
    ['\\', '\\5c'],
    ['\u0000', '\\00'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['back\\slash@contoso.com', 'back\\5cslash@contoso.com'],
    ['\\2a', '\\5c2a'],
  ])('escapes %j as %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it('leaves everything else alone, UTF-8 included (RFC 4515 allows it unescaped)', () => {
    expect(escapeFilterValue('zoë.ßöñ+tag=x,y&|!~<>@contoso.com')).toBe('zoë.ßöñ+tag=x,y&|!~<>@contoso.com');
  });

  it.each(['*', '*)(uid=*', 'a\u0000b', 'x)(|(objectClass=*', '\\', '\\\\2a', '((((', 'zoë*(ü)\\'])(
    'round-trips %j through a filter parser as one equality assertion with the same value',
    (value) => {
      const parsed = FilterParser.parseString(`(userPrincipalName=${escapeFilterValue(value)})`);
      expect(parsed).toBeInstanceOf(EqualityFilter);
      expect((parsed as EqualityFilter).value).toBe(value);
    },
  );
});
