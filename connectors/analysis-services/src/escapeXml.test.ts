import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { escapeXml, hasForbiddenXmlCharacter } from './escapeXml.js';

// What an XML parser reads back from `<v a="…">…</v>`.
function roundTrip(text: string): { content: string; attribute: string } {
  const parser = new SaxesParser();
  let content = '';
  let attribute = '';
  parser.on('text', (t) => (content += t));
  parser.on('opentag', (tag) => (attribute = String(tag.attributes.a)));
  parser.write(`<v a="${escapeXml(text)}">${escapeXml(text)}</v>`).close();
  return { content, attribute };
}

describe('escapeXml', () => {
  it.each([
    'plain',
    `</Statement></Command><Command><Delete/>`,
    `a & b < c > d "e" 'f'`,
    ']]> <![CDATA[ x ]]>',
    'line\r\nbreaks\rand\ttabs\n',
    '&amp; &#x41; already escaped',
    'émoji 😀 and ü',
  ])('reads back exactly in content and attributes: %j', (text) => {
    expect(roundTrip(text)).toEqual({ content: text, attribute: text });
  });

  it('refuses characters XML cannot carry instead of dropping them', () => {
    for (const bad of ['\u0000', 'a\u0001b', '\u001F', '\uFFFE', 'x\uD800', '\uDC00y']) {
      expect(hasForbiddenXmlCharacter(bad)).toBe(true);
      expect(() => escapeXml(bad)).toThrow(RangeError);
    }
    expect(hasForbiddenXmlCharacter('ok \t\r\n 😀')).toBe(false);
  });
});
