// RFC 4515 section 3: in an assertion value, NUL, '(', ')', '*' and '\' must be written as '\' and
// two hex digits; everything else (UTF-8 included) may stay as is. Escaping exactly these keeps
// non-ASCII UPNs intact and makes the value one literal: no wildcard, no extra filter component.
// eslint-disable-next-line no-control-regex -- NUL is one of the five characters RFC 4515 requires escaping
const mustEscape = /[\u0000()*\\]/g;

/** Escapes a value for an LDAP filter string per RFC 4515 (`*` → `\2a`, `(` → `\28`, `)` → `\29`, `\` → `\5c`, NUL → `\00`). */
export function escapeFilterValue(value: string): string {
  return value.replace(mustEscape, (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
