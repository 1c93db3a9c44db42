import { describe, expect, it } from 'vitest';
import { quoteText } from './quoteText.js';

describe('quoteText', () => {
  it('quotes and shows control characters as escapes', () => {
    expect(quoteText('ada@contoso.com')).toBe('"ada@contoso.com"');
    expect(quoteText('a\u0000b\n')).toBe('"a\\u0000b\\n"');
  });
});
