import { describe, expect, it } from 'vitest';
import { foldCase } from './foldCase.js';

describe('foldCase', () => {
  it('lower-cases without locale rules', () => {
    expect(foldCase('Ada@Contoso.COM')).toBe('ada@contoso.com');
    expect(foldCase('IVAN@X')).toBe('ivan@x');
  });

  it('compares composed and decomposed forms equal (NFC)', () => {
    expect(foldCase('Zoe\u0308@x')).toBe(foldCase('ZOË@x'));
  });
});
