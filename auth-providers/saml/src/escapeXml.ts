// Characters XML 1.0 cannot carry at all (not even as character references): C0 controls other than
// tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const notXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * Escapes text for an XML attribute value or element content: markup characters, quotes, and the
 * white space an attribute would otherwise normalise away. Throws on characters XML cannot carry.
 */
export function escapeXml(value: string): string {
  if (notXml.test(value)) throw new RangeError('the value holds characters XML 1.0 cannot carry (control characters or unpaired surrogates)');
  return value.replace(/[&<>"'\t\n\r]/g, (c) => entities[c] as string);
}
