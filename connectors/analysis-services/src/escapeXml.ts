/**
 * True when `text` holds a character that no XML 1.0 document can carry, not even as a character
 * reference: a C0 control other than tab, LF and CR; U+FFFE or U+FFFF; a lone surrogate.
 */
export function hasForbiddenXmlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20) {
      if (code !== 0x09 && code !== 0x0a && code !== 0x0d) return true;
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (!(low >= 0xdc00 && low <= 0xdfff)) return true;
      i += 1;
    } else if ((code >= 0xdc00 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) {
      return true;
    }
  }
  return false;
}

/**
 * Escapes text for XML element content or a double- or single-quoted attribute value. CR, LF and
 * tab become character references so that the receiving parser's end-of-line and attribute
 * normalisation leaves them as they were. Throws for a character XML cannot carry: a caller must
 * refuse such a value, never drop it silently.
 */
export function escapeXml(text: string): string {
  if (hasForbiddenXmlCharacter(text)) throw new RangeError('the text holds a character that XML cannot carry (a control character or a lone surrogate)');
  return text.replace(/[&<>"'\r\n\t]/g, (c) => replacements[c]!);
}

const replacements: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};
