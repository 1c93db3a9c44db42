/**
 * Turns an SPN (`service/host[:port][@REALM]`) into the GSS-API host-based service name
 * (`service@host[:port]`) the `kerberos` library imports, since it takes only that form. The realm
 * is dropped: the library finds it through krb5.conf's [domain_realm], as for any host name.
 * Returns undefined for a name that is not `service/host`.
 */
export function toHostbasedService(spn: string): string | undefined {
  const match = /^([^/@\s]+)\/([^/@\s]+)(?:@[^/@\s]+)?$/.exec(spn);
  return match ? `${match[1]}@${match[2]}` : undefined;
}
