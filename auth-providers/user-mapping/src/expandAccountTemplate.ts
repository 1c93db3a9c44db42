/** The placeholder an account template carries exactly once. */
export const userPlaceholder = '{user}';

/** True for `{user}`, `{user}@REALM` and `DOMAIN\{user}` (REALM and DOMAIN without spaces, `@`, `\` or braces). */
export function isAccountTemplate(template: string): boolean {
  return /^(?:\{user\}|\{user\}@[^@\\\s{}]+|[^@\\\s{}]+\\\{user\})$/u.test(template);
}

/** Replaces `{user}` in a template checked by `isAccountTemplate`. */
export function expandAccountTemplate(template: string, user: string): string {
  const at = template.indexOf(userPlaceholder);
  return template.slice(0, at) + user + template.slice(at + userPlaceholder.length);
}
