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

/** One GSS-API security context being established with a data source (initiator side). */
export interface GssContext {
  /**
   * Feeds the acceptor's token (empty for the first call) and returns the next token to send (empty
   * when there is nothing more to send). Rejects with a coded error (`CW_KERBEROS_FAILED`).
   */
  step(input: Uint8Array): Promise<Uint8Array>;
  /** True once the context is established (mutual authentication done, if asked). */
  readonly complete: boolean;
}

/** The GSS-API mechanism of a context: raw Kerberos 5 (MariaDB) or SPNEGO (HTTP Negotiate). */
export type GssMechanism = 'krb5' | 'spnego';

/**
 * A Kerberos identity: the user the gateway acts as (constrained delegation) and the service ticket
 * to the data source's SPN, held by the auth provider. Connectors never touch the credential cache:
 * they call `createGssContext` and exchange tokens, so they need no native Kerberos library and
 * concurrent jobs of different users never share a cache.
 */
export interface KerberosIdentity {
  kind: 'kerberos';
  /** The user's Kerberos principal, e.g. `alice@CONTOSO.LOCAL`. */
  principal: string;
  /** The data source's SPN the ticket is for, e.g. `MSSQLSvc/db.contoso.local:1433@CONTOSO.LOCAL`. */
  spn: string;
  /** Name of the credential cache holding the user's ticket (for diagnostics and pool keys; a `DIR:`/`FILE:` name). */
  credentialCache: string;
  /** When the ticket expires (ms since the epoch); connections opened later need a new identity. */
  expiresAt?: number;
  /**
   * Starts a GSS-API context as `principal` with the data source. `spn` defaults to the identity's;
   * a different one (e.g. the name a server announces) must be the same service or the step fails.
   */
  createGssContext(options: {
    mechanism: GssMechanism;
    spn?: string;
    /** Ask the server to authenticate itself too (GSS_C_MUTUAL_FLAG); default true. */
    mutual?: boolean;
    signal?: AbortSignal;
  }): Promise<GssContext>;
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
