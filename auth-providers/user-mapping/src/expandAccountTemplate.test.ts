import { describe, expect, it } from 'vitest';
import { expandAccountTemplate, isAccountTemplate } from './expandAccountTemplate.js';

describe('isAccountTemplate', () => {
  it.each(['{user}', '{user}@CONTOSO.LOCAL', 'CONTOSO\\{user}'])('accepts %j', (template) => {
    expect(isAccountTemplate(template)).toBe(true);
  });

  it.each(['', 'user', '{user}{user}', '{user}@', '\\{user}', 'A B\\{user}', '{user}@A B', '{user}@a{b}', 'x{user}', '{user}x', '{USER}', 'A\\{user}@B'])('refuses %j', (template) => {
    expect(isAccountTemplate(template)).toBe(false);
  });
});

describe('expandAccountTemplate', () => {
  it('replaces {user} once, taking the user text literally', () => {
    expect(expandAccountTemplate('{user}@CONTOSO.LOCAL', 'ada')).toBe('ada@CONTOSO.LOCAL');
    expect(expandAccountTemplate('CONTOSO\\{user}', '$&{user}')).toBe('CONTOSO\\$&{user}');
  });
});
