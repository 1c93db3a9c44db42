/** How an account name is written. */
export type AccountFormat = 'upn' | 'down-level' | 'name';

/** A local account, whole and in parts. */
export interface ParsedAccount {
  /** As the data source expects it: `ada@CONTOSO.LOCAL`, `CONTOSO\ada` or `ada`. */
  account: string;
  /** The name without domain or realm: `ada`. */
  localName: string;
  /** The realm (`CONTOSO.LOCAL`) or NetBIOS domain (`CONTOSO`), when the account has one. */
  domain?: string;
  /** `upn`: name@REALM; `down-level`: DOMAIN\name; `name`: no domain. */
  format: AccountFormat;
}

// Control characters never belong in an account name; a backslash only as the down-level separator.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const control = /[\u0000-\u001f\u007f]/;

/**
 * Parses an account: `DOMAIN\name` (one backslash), else `name@REALM` (split at the last `@`), else a
 * bare name. Undefined when it is empty, has surrounding spaces or control characters, or an empty part.
 */
export function parseAccount(account: string): ParsedAccount | undefined {
  if (!account || account.trim() !== account || control.test(account)) return undefined;
  const slash = account.indexOf('\\');
  if (slash !== -1) {
    const domain = account.slice(0, slash);
    const localName = account.slice(slash + 1);
    if (!domain || !localName || localName.includes('\\') || localName.includes('@') || domain.includes('@')) return undefined;
    return { account, localName, domain, format: 'down-level' };
  }
  const at = account.lastIndexOf('@');
  if (at === -1) return { account, localName: account, format: 'name' };
  if (at === 0 || at === account.length - 1) return undefined;
  return { account, localName: account.slice(0, at), domain: account.slice(at + 1), format: 'upn' };
}
