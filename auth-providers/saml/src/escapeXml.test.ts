import { describe, expect, it } from 'vitest';
import { escapeXml } from './escapeXml.js';

describe('escapeXml', () => {
  it('escapes markup, both quotes and attribute white space', () => {
    expect(escapeXml(`a<b>&"c'\t\n\r`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;&#9;&#10;&#13;');
  });

  it('leaves other text, including non-ASCII and paired surrogates, as it is', () => {
    expect(escapeXml('Ådá@contoso.com 😀')).toBe('Ådá@contoso.com 😀');
  });

  it.each([['NUL', 'a\u0000b'], ['ESC', '\u001b[31m'], ['U+FFFF', 'x\uffff'], ['a lone high surrogate', 'x\ud800'], ['a lone low surrogate', '\udc00x']])('refuses %s', (_name, value) => {
    expect(() => escapeXml(value)).toThrow(RangeError);
  });
});
