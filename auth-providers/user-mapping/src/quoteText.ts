/** A value quoted for a message: JSON string syntax, so control characters (a NUL in a UPN) show as escapes. */
export function quoteText(text: string): string {
  return JSON.stringify(text);
}
