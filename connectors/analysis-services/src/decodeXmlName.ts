// `_xHHHH_` (UTF-16 code unit) or `_xHHHHHHHH_` (code point), as SQL Server and XMLA write them.
const escaped = /_x([0-9A-Fa-f]{8}|[0-9A-Fa-f]{4})_/g;

/**
 * Decodes an XML element name written with the SQL Server / XMLA name encoding back to the column
 * name: `Order_x0020_Details` → `Order Details`, `_x005B_Sales_x005D_` → `[Sales]`. Four-digit
 * escapes are UTF-16 code units, so a surrogate pair written as two escapes decodes to one character.
 */
export function decodeXmlName(name: string): string {
  if (!name.includes('_x')) return name;
  return name.replace(escaped, (match, hex: string) => {
    const code = parseInt(hex, 16);
    if (hex.length === 4) return String.fromCharCode(code);
    return code <= 0x10ffff ? String.fromCodePoint(code) : match;
  });
}
