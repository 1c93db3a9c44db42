import type { KerberosIdentity } from '@causeway/sdk';
import type { XmlaAuthorizer } from './createAuthorizer.js';

/**
 * HTTP Negotiate (SPNEGO, RFC 4559) from a Kerberos identity: each request gets a fresh SPNEGO
 * token for the identity's SPN (`HTTP/<server>`) made by the auth provider, so the connector holds
 * no ticket and needs no native library. Each request is authenticated on its own, as msmdpump.dll
 * behind IIS expects of a client that does not keep the connection's authentication.
 */
export function createNegotiateAuthorizer(identity: KerberosIdentity): XmlaAuthorizer {
  return {
    async authorize(_target, signal) {
      const context = await identity.createGssContext({ mechanism: 'spnego', signal });
      const token = await context.step(new Uint8Array());
      return { authorization: `Negotiate ${Buffer.from(token).toString('base64')}` };
    },
  };
}
