// @causeway/user-mapping: maps a job's cloud identity (UPN) to a local account for SSO auth providers
// (Kerberos constrained delegation, SAML, Entra ID): ordered static rules and LDAP lookups.
export { createUserMapper } from './createUserMapper.js';
export { userMappingConfigSchema } from './userMappingConfigSchema.js';
export { validateUserMappingConfig, assertUserMappingConfig } from './validateUserMappingConfig.js';
export type { ConfigProblem } from './userMappingConfigError.js';
export { parseAccount, type ParsedAccount, type AccountFormat } from './parseAccount.js';
export { escapeFilterValue } from './escapeFilterValue.js';
export {
  ldapRuleDefaults,
  type UserMappingConfig,
  type UserMappingRule,
  type TableRule,
  type DomainRule,
  type IdentityRule,
  type LdapRule,
  type LdapTlsSettings,
  type LdapCacheSettings,
} from './userMappingConfig.js';
export type { UserMapper, UserMapperOptions, MappedUser, MappingSource, BindPasswordRequest, DirectoryCheck } from './userMapper.js';
