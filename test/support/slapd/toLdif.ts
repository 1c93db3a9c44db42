/** One directory entry: its DN and attributes (a value list for multi-valued attributes). */
export interface LdifEntry {
  dn: string;
  [attribute: string]: string | string[];
}

// RFC 2849 SAFE-STRING: no leading space, colon or '<', no NUL/CR/LF, ASCII only, no trailing space.
// eslint-disable-next-line no-control-regex -- the SAFE-STRING grammar is defined by control characters
const safe = /^(?![ :<])[\x01-\x09\x0b\x0c\x0e-\x7f]*$/;

function line(name: string, value: string): string {
  return safe.test(value) && !value.endsWith(' ') ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

/** Serialises entries as LDIF (values that are not safe strings are base64-encoded). */
export function toLdif(entries: readonly LdifEntry[]): string {
  return entries
    .map((entry) => {
      const lines = [line('dn', entry.dn)];
      for (const [name, value] of Object.entries(entry)) {
        if (name === 'dn') continue;
        for (const v of Array.isArray(value) ? value : [value]) lines.push(line(name, v));
      }
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}
