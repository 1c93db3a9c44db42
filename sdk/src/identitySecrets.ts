import type { ConnectionIdentity } from './identity.js';

/**
 * The secret strings of a connection identity (password, token, assertion), for scrubbing them out
 * of error messages; a Kerberos identity carries none (its tickets stay in their credential cache).
 */
export function identitySecrets(identity: ConnectionIdentity): string[] {
  switch (identity.kind) {
    case 'password':
      return [identity.password];
    case 'access-token':
      return [identity.token];
    case 'saml':
      return [identity.assertion];
    case 'effective-user':
      return [identity.service.password];
    case 'kerberos':
      return [];
  }
}
