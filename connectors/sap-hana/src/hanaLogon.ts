import { ConnectorError, type ConnectionIdentity, type PasswordIdentity, type SamlIdentity } from '@causeway/sdk';
import type { HanaLogon } from './hanaDriver.js';

/** The identities the connector logs on with. */
export type HanaIdentity = PasswordIdentity | SamlIdentity;

/** Narrows a connection identity to one the connector takes (CW_AUTH_MODE_UNSUPPORTED otherwise). */
export function requireHanaIdentity(identity: ConnectionIdentity): HanaIdentity {
  if (identity.kind === 'password' || identity.kind === 'saml') return identity;
  throw new ConnectorError(
    'CW_AUTH_MODE_UNSUPPORTED',
    `the SAP HANA connector logs on with a user name and password or a SAML assertion, not a "${identity.kind}" identity`,
  );
}

/** What `client.connect` gets: user and password, or the SAML assertion alone (hdb then uses the SAML method). */
export function logonFor(identity: HanaIdentity): HanaLogon {
  return identity.kind === 'password' ? { user: identity.username, password: identity.password } : { assertion: identity.assertion };
}

/** Who logs on, for messages: the user name, never a password or an assertion. */
export function describeLogon(identity: HanaIdentity): string {
  return identity.kind === 'password' ? `user "${identity.username}"` : 'a SAML assertion';
}
