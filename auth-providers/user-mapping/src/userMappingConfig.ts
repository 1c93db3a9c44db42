// The user-mapping config, as the admin writes it (validated against `userMappingConfigSchema`).
// The TypeScript shape and the schema are kept in step by userMappingConfigSchema.test.ts.

/** An explicit table: UPN (compared case-insensitively) → local account. */
export interface TableRule {
  kind: 'table';
  /** A name for logs and errors. */
  name?: string;
  /** UPN → account (`name`, `name@REALM` or `DOMAIN\name`). */
  accounts: Record<string, string>;
}

/** Replaces the UPN's domain: `ada@contoso.com` → `ada@CONTOSO.LOCAL` or `CONTOSO\ada`. */
export interface DomainRule {
  kind: 'domain';
  name?: string;
  /** The UPN domain this rule applies to (`contoso.com`, a leading `@` is allowed), or `*` for any. Compared case-insensitively. */
  from: string;
  /** The account to produce: `{user}@REALM`, `DOMAIN\{user}` or `{user}`; `{user}` is the UPN's part before the last `@`. */
  account: string;
}

/** Uses the UPN unchanged as the account (for data sources that know the cloud UPN). */
export interface IdentityRule {
  kind: 'identity';
  name?: string;
  /** Only UPNs in these domains; default: any. */
  domains?: string[];
}

/** TLS settings for `ldaps://` URLs and StartTLS. */
export interface LdapTlsSettings {
  /** PEM file of the CA certificates to trust (default: Node's built-in roots). */
  ca?: string;
  /** Verify the server certificate and host name (default true). `false` is for tests only. */
  rejectUnauthorized?: boolean;
  /** Host name to verify the certificate against, when it differs from the URL's host. */
  servername?: string;
}

/** The cache of directory answers, per LDAP rule. */
export interface LdapCacheSettings {
  /** How long a found account is reused, in ms (default 300000; 0: not cached). */
  ttlMs?: number;
  /** How long "no such user" is remembered, in ms (default 60000; 0: not cached). */
  negativeTtlMs?: number;
  /** The most UPNs held; the least recently used goes first (default 1000). */
  maxEntries?: number;
}

/** Looks the UPN up in an LDAP directory (Active Directory, OpenLDAP) with a service account. */
export interface LdapRule {
  kind: 'ldap';
  name?: string;
  /** Only UPNs in these domains are looked up here; default: any. */
  domains?: string[];
  /** `ldap://host[:port]` or `ldaps://host[:port]`, tried in order while one is unreachable. */
  urls: string[];
  /** Upgrade `ldap://` connections with StartTLS before binding (default false). */
  startTls?: boolean;
  tls?: LdapTlsSettings;
  /** The service account's DN (or AD `user@domain`); without it the search is anonymous. */
  bindDn?: string;
  /** A file holding the service account's password (one trailing newline ignored). */
  bindPasswordFile?: string;
  /** Where to search. */
  baseDn: string;
  /** `sub` (default): the whole subtree; `one`: direct children; `base`: the base entry only. */
  scope?: 'base' | 'one' | 'sub';
  /** The attribute compared with the UPN (default `userPrincipalName`). */
  searchAttribute?: string;
  /** The attribute whose value becomes the account (default `sAMAccountName`). */
  resultAttribute?: string;
  /** An extra filter ANDed with the search, e.g. `(objectClass=user)`. */
  filter?: string;
  /** The account to produce from the value: `{user}` (default), `{user}@REALM` or `DOMAIN\{user}`. */
  account?: string;
  /** Entries per page of the paged search (default 100). */
  pageSize?: number;
  /** Budget for the TCP (and ldaps TLS) connect, in ms (default 5000). */
  connectTimeoutMs?: number;
  /** Budget for each LDAP request (StartTLS, bind, each search page), in ms (default 10000). */
  timeoutMs?: number;
  /** Lookups running at once against this directory (default 4). */
  maxConcurrentLookups?: number;
  cache?: LdapCacheSettings;
}

/** One step of the mapping; the rules are tried in order and the first that maps the user wins. */
export type UserMappingRule = TableRule | DomainRule | IdentityRule | LdapRule;

/** How cloud users (UPNs) map to local accounts. */
export interface UserMappingConfig {
  rules: UserMappingRule[];
}

/** The defaults applied to an LDAP rule's optional settings. */
export const ldapRuleDefaults = {
  startTls: false,
  scope: 'sub',
  searchAttribute: 'userPrincipalName',
  resultAttribute: 'sAMAccountName',
  account: '{user}',
  pageSize: 100,
  connectTimeoutMs: 5_000,
  timeoutMs: 10_000,
  maxConcurrentLookups: 4,
  cache: { ttlMs: 300_000, negativeTtlMs: 60_000, maxEntries: 1_000 },
  tls: { rejectUnauthorized: true },
} as const;
