/** A UPN's parts: the user before the last `@`, the domain after it (both non-empty). */
export interface UpnParts {
  user: string;
  domain: string;
}

/** Splits `ada@contoso.com` at the last `@`; undefined when either side is empty or there is no `@`. */
export function splitUpn(upn: string): UpnParts | undefined {
  const at = upn.lastIndexOf('@');
  if (at <= 0 || at === upn.length - 1) return undefined;
  return { user: upn.slice(0, at), domain: upn.slice(at + 1) };
}
