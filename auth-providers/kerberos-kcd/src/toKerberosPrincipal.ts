import { AuthError } from '@causeway/sdk';
import type { MappedUser } from '@causeway/user-mapping';

// A principal name the Kerberos tools take as one argument: no spaces, slashes (that would name a
// service), or characters krb5 would treat specially; options are never injected since names start
// with a letter or digit.
const safeName = /^[A-Za-z0-9][A-Za-z0-9._$-]*$/;
const safeRealm = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

/**
 * The Kerberos principal of a mapped account: `name@REALM` as mapped, or a bare name in the
 * gateway's realm. A down-level `DOMAIN\name` is refused: a NetBIOS domain is not a realm.
 */
export function toKerberosPrincipal(user: MappedUser, defaultRealm: string): string {
  if (user.format === 'down-level') {
    throw new AuthError('CW_USER_UNKNOWN', `the user mapping gave the down-level account "${user.account}" for ${user.upn}; Kerberos needs name@REALM: use "account": "{user}@REALM" in the mapping rule`);
  }
  const realm = user.format === 'upn' && user.domain ? user.domain : defaultRealm;
  if (!safeName.test(user.localName) || !safeRealm.test(realm)) {
    throw new AuthError('CW_USER_UNKNOWN', `the account "${user.account}" mapped for ${user.upn} is not a usable Kerberos principal name`);
  }
  return `${user.localName}@${realm}`;
}
