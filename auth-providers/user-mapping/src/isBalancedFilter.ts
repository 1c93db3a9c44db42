/** True when `filter` is one parenthesised component with balanced parentheses and valid `\XX` escapes. */
export function isBalancedFilter(filter: string): boolean {
  let depth = 0;
  for (let i = 0; i < filter.length; i++) {
    const char = filter[i];
    if (char === '\\') {
      if (!/^[0-9A-Fa-f]{2}$/.test(filter.slice(i + 1, i + 3))) return false;
      i += 2;
    } else if (char === '(') {
      depth += 1;
    } else if (char === ')') {
      depth -= 1;
      if (depth < 0 || (depth === 0 && i !== filter.length - 1)) return false;
    }
  }
  return depth === 0 && filter.startsWith('(');
}
