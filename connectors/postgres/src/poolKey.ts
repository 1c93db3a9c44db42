import { createHmac, randomBytes } from 'node:crypto';
import type { PasswordIdentity } from '@causeway/sdk';

/**
 * Returns a function that keys connection pools by identity: an HMAC of the user name and password
 * under a random per-data-source key, so the key map never holds a password or a hash that could
 * be compared across processes, and a changed password gets its own pool.
 */
export function createPoolKey(): (identity: PasswordIdentity) => string {
  const secret = randomBytes(32);
  return (identity) => {
    const user = Buffer.from(identity.username, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(user.length);
    // The length prefix keeps ("ab","c") and ("a","bc") apart.
    return createHmac('sha256', secret).update(length).update(user).update(identity.password, 'utf8').digest('base64url');
  };
}
