/**
 * The form UPNs and domains are compared in: Unicode NFC, then default (locale-independent)
 * lower-casing. `Ada@Contoso.COM` and `ada@contoso.com` compare equal.
 */
export function foldCase(text: string): string {
  return text.normalize('NFC').toLowerCase();
}
