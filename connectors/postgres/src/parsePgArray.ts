/** A parsed PostgreSQL array: elements, NULLs, or nested arrays for more dimensions. */
export type PgArray<T> = Array<T | null | PgArray<T>>;

/**
 * Parses PostgreSQL's text form of an array (`{1,NULL,3}`, `{{"a b","c\"d"}}`, `[0:1]={x,y}`) and
 * applies `parseElement` to each non-NULL element's text. Only comma-delimited element types are
 * mapped to arrays, so the delimiter is fixed. Malformed input yields what was read, never throws.
 */
export function parsePgArray<T>(text: string, parseElement: (text: string) => T): PgArray<T> {
  // Non-default lower bounds come as a `[lo:hi]=` prefix; the bounds carry no values.
  const start = text.charCodeAt(0) === 91 ? text.indexOf('=') + 1 : 0;
  const state = { text, at: start };
  return text.charCodeAt(start) === 123 ? parseLevel(state, parseElement) : [];
}

interface Cursor {
  text: string;
  at: number;
}

function parseLevel<T>(state: Cursor, parseElement: (text: string) => T): PgArray<T> {
  const { text } = state;
  const out: PgArray<T> = [];
  let i = state.at + 1;
  if (text.charCodeAt(i) === 125) {
    state.at = i + 1;
    return out;
  }
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 123) {
      state.at = i;
      out.push(parseLevel(state, parseElement));
      i = state.at;
    } else if (c === 34) {
      let j = i + 1;
      let value = '';
      let from = j;
      while (j < text.length && text.charCodeAt(j) !== 34) {
        if (text.charCodeAt(j) === 92) {
          value += text.slice(from, j);
          j += 1;
          from = j;
        }
        j += 1;
      }
      value += text.slice(from, j);
      out.push(parseElement(value));
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 44 || d === 125) break;
        j += 1;
      }
      const token = text.slice(i, j);
      out.push(token === 'NULL' ? null : parseElement(token));
      i = j;
    }
    const sep = text.charCodeAt(i);
    i += 1;
    if (sep !== 44) break;
  }
  state.at = i;
  return out;
}
