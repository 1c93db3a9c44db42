/** User name and password, for connectors that log on with them. */
export interface PasswordIdentity {
  kind: 'password';
  username: string;
  password: string;
}

/** An OAuth 2.0 access token for the data source (e.g. from an on-behalf-of exchange). */
export interface AccessTokenIdentity {
  kind: 'access-token';
  token: string;
  expiresAt?: number;
}

/** A signed SAML assertion the data source accepts as a logon (SAP HANA). */
export interface SamlIdentity {
  kind: 'saml';
  assertion: string;
}

/** A Kerberos credential cache holding a service ticket for the data source's SPN. */
export interface KerberosIdentity {
  kind: 'kerberos';
  principal: string;
  /** Path of a per-job credential cache (`FILE:` or `MEMORY:` name). */
  credentialCache: string;
}

/** The service's own logon plus the user the data source should act as (Analysis Services EffectiveUserName). */
export interface EffectiveUserIdentity {
  kind: 'effective-user';
  service: PasswordIdentity;
  effectiveUserName: string;
}

/** What an auth provider hands a connector: how to log on to the data source for this job. */
export type ConnectionIdentity =
  | PasswordIdentity
  | AccessTokenIdentity
  | SamlIdentity
  | KerberosIdentity
  | EffectiveUserIdentity;

/** The `kind` names of connection identities; connectors list the ones they accept in their manifest. */
export type IdentityKind = ConnectionIdentity['kind'];

/** Who the job runs for, as the cloud side states it. */
export interface JobIdentity {
  /** The cloud user's principal name (UPN), e.g. `ada@contoso.com`. */
  userPrincipalName?: string;
  /** The user's access token, for SSO providers that validate or exchange it. */
  accessToken?: string;
}
