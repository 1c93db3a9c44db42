import type { EntraValidatorSettings } from '@causeway/auth-entra-sso';
import type { UserMappingConfig } from '@causeway/user-mapping';

/** Plugin-wide settings of the kerberos-kcd provider (`plugins.settings["kerberos-kcd"]`). */
export interface KerberosKcdSettings {
  /** The keytab holding the gateway's service principal's keys. */
  keytab: string;
  /** The gateway's service principal, e.g. `HTTP/gateway.contoso.local@CONTOSO.LOCAL`. */
  principal: string;
  /** A krb5.conf to use instead of the system one (KRB5_CONFIG of the Kerberos tools and the GSS helper). */
  krb5Config?: string;
  /** Where the gateway TGT and the users' tickets are kept; default `<plugin data folder>/ccache`. */
  ccacheDirectory?: string;
  /** Limit for each KDC exchange (kinit, S4U2Self + S4U2Proxy); default 15 s. */
  kdcTimeoutMs?: number;
  /** Limit for each GSS-API step; default 10 s. */
  gssTimeoutMs?: number;
  /** A ticket this close to its end is renewed before use; default 5 min. */
  renewBeforeExpiryMs?: number;
  /** Folder of kinit, kvno and klist when they are not on the PATH. */
  kerberosToolsDirectory?: string;
  /**
   * Take the user from the job's Entra ID access token, validated as entra-sso validates it, instead
   * of the job's UPN claim: the relay then cannot name a user it holds no token for.
   */
  entraToken?: EntraValidatorSettings;
}

/** Data-source settings of the kerberos-kcd provider (`dataSources.<id>.auth.settings`). */
export interface KerberosKcdDataSourceSettings {
  /** The data source's service principal, e.g. `MSSQLSvc/db.contoso.local:1433@CONTOSO.LOCAL` or `mariadb/db.contoso.local`. */
  spn: string;
  /** How job UPNs map to Kerberos principals (docs/user-mapping.md). */
  userMapping: UserMappingConfig;
}

/** Defaults of the timing settings. */
export const kerberosKcdDefaults = { kdcTimeoutMs: 15_000, gssTimeoutMs: 10_000, renewBeforeExpiryMs: 300_000 } as const;
