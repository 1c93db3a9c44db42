/** A UPN in the form two UPNs are compared in: Unicode NFC, lower case (no locale rules), as user mapping does. */
export function foldUpn(upn: string): string {
  return upn.normalize('NFC').toLowerCase();
}
