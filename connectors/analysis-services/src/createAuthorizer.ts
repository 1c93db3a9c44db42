import { ConnectorError, type PasswordIdentity } from '@causeway/sdk';
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
export type AuthorizerFactory = (mode: XmlaAuthentication, credential: PasswordIdentity) => XmlaAuthorizer;

/**
 * The built-in authorizers: `basic` sends the user name and password as HTTP Basic (UTF-8) on every
 * request; `negotiate` (Kerberos through SPNEGO) has no token provider yet and fails with
 * CW_AUTH_MODE_UNSUPPORTED, so a data source configured for it fails clearly on its first job.
 */
export const createAuthorizer: AuthorizerFactory = (mode, credential) => {
  if (mode === 'negotiate') {
    throw new ConnectorError(
      'CW_AUTH_MODE_UNSUPPORTED',
      'the Analysis Services connector cannot use "negotiate" (Kerberos/SPNEGO) authentication yet; set "authentication": "basic"',
    );
  }
  const header = `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`;
  return { authorize: () => Promise.resolve({ authorization: header }) };
};
