import { createHmac, randomBytes } from 'node:crypto';
import type { ConnectionIdentity } from '../identity.js';

/**
 * Returns a function that keys connection pools by identity: an HMAC of every field of the
 * identity (kind, user names, passwords, tokens, assertions) under a random per-data-source key, so
 * the key map never holds a secret or a hash that could be compared across processes, and a changed
 * password or a new token gets its own pool.
 */
export function createIdentityKey(): (identity: ConnectionIdentity) => string {
  const secret = randomBytes(32);
  return (identity) => {
    const hmac = createHmac('sha256', secret);
    for (const part of identityParts(identity)) {
      const bytes = Buffer.from(part, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      // The length prefix keeps ("ab","c") and ("a","bc") apart.
      hmac.update(length).update(bytes);
    }
    return hmac.digest('base64url');
  };
}

function identityParts(identity: ConnectionIdentity): string[] {
  switch (identity.kind) {
    case 'password':
      return ['password', identity.username, identity.password];
    case 'access-token':
      return ['access-token', identity.token];
    case 'saml':
      return ['saml', identity.assertion];
    case 'kerberos':
      return ['kerberos', identity.principal, identity.credentialCache];
    case 'effective-user':
      return ['effective-user', identity.service.username, identity.service.password, identity.effectiveUserName];
  }
}
