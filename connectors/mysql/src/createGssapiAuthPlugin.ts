import type { GssContext, KerberosIdentity } from '@causeway/sdk';
import type { ConnectionOptions } from 'mysql2';

/** mysql2's auth plugin factory type. */
export type MysqlAuthPlugin = NonNullable<ConnectionOptions['authPlugins']>[string];

/**
 * mysql2's `auth_gssapi_client` plugin for a Kerberos identity (MariaDB's GSSAPI authentication).
 * The server's first packet is its principal name and the mechanism list, NUL-terminated; the
 * client answers with GSS tokens until its context is complete. Mutual authentication is not asked
 * for: MariaDB sends the acceptor's reply token as a bare packet, which mysql2's handshake cannot
 * tell from a protocol packet; use TLS (`ssl.mode: verify-full`) to authenticate the server.
 * A failure keeps its coded error as the `cause` (mysql2 overwrites the `code` of what it is given).
 */
export function createGssapiAuthPlugin(identity: KerberosIdentity): MysqlAuthPlugin {
  return () => {
    let context: GssContext | undefined;
    return async (data: Buffer) => {
      try {
        if (!context) {
          const end = data.indexOf(0);
          const spn = data.subarray(0, end === -1 ? data.length : end).toString('utf8');
          context = await identity.createGssContext({ mechanism: 'krb5', mutual: false, ...(spn ? { spn } : {}) });
          return Buffer.from(await context.step(new Uint8Array()));
        }
        if (context.complete) return undefined as unknown as Buffer;
        const token = await context.step(data);
        return token.length > 0 ? Buffer.from(token) : (undefined as unknown as Buffer);
      } catch (error) {
        throw new Error((error as Error).message, { cause: error });
      }
    };
  };
}
