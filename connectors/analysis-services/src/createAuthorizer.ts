import { ConnectorError, type KerberosIdentity, type PasswordIdentity } from '@causeway/sdk';
import { createNegotiateAuthorizer } from './createNegotiateAuthorizer.js';
import type { XmlaAuthentication } from './xmlaSettings.js';

/** One HTTP request to the XMLA endpoint, as an authorizer sees it. */
export interface XmlaHttpTarget {
  method: 'POST';
  url: URL;
}

/**
 * Authenticates the HTTP requests of one identity: returns the headers to add (`Authorization`).
 * It is called for every request, so a token provider (SPNEGO for `negotiate`, an OAuth token for
 * Azure Analysis Services) can hand out a fresh token each time; it may reject with a coded error.
 */
export interface XmlaAuthorizer {
  authorize(target: XmlaHttpTarget, signal: AbortSignal): Promise<Record<string, string>>;
}

/** Makes the authorizer for a data source's authentication mode and the credential the requests log on with. */
export type AuthorizerFactory = (mode: XmlaAuthentication, credential: PasswordIdentity | KerberosIdentity) => XmlaAuthorizer;

/**
 * The built-in authorizers: `basic` sends the user name and password as HTTP Basic (UTF-8) on every
 * request; `negotiate` sends a SPNEGO token from a Kerberos identity (an auth provider such as
 * kerberos-kcd). Any other pairing fails with CW_AUTH_MODE_UNSUPPORTED on the first job.
 */
export const createAuthorizer: AuthorizerFactory = (mode, credential) => {
  if (mode === 'negotiate') {
    if (credential.kind === 'kerberos') return createNegotiateAuthorizer(credential);
    throw new ConnectorError(
      'CW_AUTH_MODE_UNSUPPORTED',
      'the Analysis Services connector uses "negotiate" (Kerberos/SPNEGO) only with a Kerberos identity: use an auth provider that produces one (kerberos-kcd), or set "authentication": "basic"',
    );
  }
  if (credential.kind === 'kerberos') {
    throw new ConnectorError('CW_AUTH_MODE_UNSUPPORTED', 'a Kerberos identity logs on to Analysis Services with SPNEGO: set "authentication": "negotiate" on the data source');
  }
  const header = `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`;
  return { authorize: () => Promise.resolve({ authorization: header }) };
};
