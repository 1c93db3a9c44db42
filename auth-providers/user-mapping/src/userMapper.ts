import type { Clock, JobIdentity, Logger } from '@causeway/sdk';
import type { ParsedAccount } from './parseAccount.js';

/** Where a mapping came from: a static rule (table or domain), the directory, or the UPN itself. */
export type MappingSource = 'rule' | 'ldap' | 'identity';

/** The local account a cloud user maps to. */
export interface MappedUser extends ParsedAccount {
  /** The UPN the job carried, unchanged. */
  upn: string;
  source: MappingSource;
  /** Index of the rule that mapped the user (in `config.rules`). */
  rule: number;
  /** That rule's `name`, when it has one. */
  ruleName?: string;
  /** The directory entry's DN (LDAP rules). */
  dn?: string;
  /** True when an LDAP answer came from the cache. */
  cached?: boolean;
}

/** What the LDAP rule asks the provider for when it needs the service account's password. */
export interface BindPasswordRequest {
  rule: number;
  ruleName?: string;
  bindDn: string;
}

/** Options for `createUserMapper`. */
export interface UserMapperOptions {
  logger: Logger;
  /** Time source for the cache (default: the system clock). */
  clock?: Clock;
  /** Folder that relative `tls.ca` and `bindPasswordFile` paths resolve against (default: the current folder). */
  baseDir?: string;
  /**
   * JSON pointer of the config inside the document it came from (e.g.
   * `/dataSources/sales/auth/settings/userMapping`), prefixed to the pointers of config errors.
   */
  configPointer?: string;
  /** The file `configPointer` points into, for config errors. */
  configFile?: string;
  /**
   * Supplies the service account's password (e.g. from an encrypted envelope the provider opened),
   * asked on every directory connection; `undefined` falls back to the rule's `bindPasswordFile`.
   */
  bindPassword?: (request: BindPasswordRequest) => string | undefined | Promise<string | undefined>;
}

/** The result of `verify`: one line per LDAP rule. */
export interface DirectoryCheck {
  rule: number;
  ruleName?: string;
  /** The URL that answered. */
  url: string;
  latencyMs: number;
}

/** Maps cloud identities to local accounts. */
export interface UserMapper {
  /**
   * Maps the identity's UPN: the rules are tried in order and the first that maps it wins. Throws
   * `AuthError` CW_USER_UNKNOWN (no rule maps it), CW_USER_AMBIGUOUS, CW_DIRECTORY_UNREACHABLE,
   * CW_DIRECTORY_BIND_DENIED, CW_DIRECTORY_FAILED, or CW_CREDENTIALS_MISSING (no UPN); the signal's
   * reason when it aborts.
   */
  map(identity: Pick<JobIdentity, 'userPrincipalName'>, signal: AbortSignal): Promise<MappedUser>;
  /** Binds to every LDAP rule's directory and reads its base DN (for "test connection"); throws as `map` does. */
  verify(signal: AbortSignal): Promise<DirectoryCheck[]>;
  /** Stops lookups in flight, empties the caches. */
  close(): Promise<void>;
}
