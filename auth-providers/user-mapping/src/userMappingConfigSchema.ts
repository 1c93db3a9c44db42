// A plain JSON Schema (draft 2020-12 compatible, no $ref, no $id) so an auth provider's manifest can
// embed it under any property of its settingsSchema or dataSourceSchema.

const name = { type: 'string', minLength: 1, maxLength: 100, description: 'a name for logs and errors' };
const domain = { type: 'string', pattern: String.raw`^@?[^@\s]+$`, description: 'a UPN domain, e.g. contoso.com (compared case-insensitively)' };
const domains = { type: 'array', minItems: 1, items: domain, description: 'only UPNs in these domains; default: any' };
const template = String.raw`^(?:\{user\}|\{user\}@[^@\\\s{}]+|[^@\\\s{}]+\\\{user\})$`;
const attribute = { type: 'string', pattern: String.raw`^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)$` };
const ms = (description: string, fallback: number, minimum = 1) => ({ type: 'integer', minimum, maximum: 86_400_000, default: fallback, description });

const tableRule = {
  type: 'object',
  description: 'explicit table: UPN (case-insensitive) → account',
  required: ['kind', 'accounts'],
  properties: {
    kind: { const: 'table' },
    name,
    accounts: {
      type: 'object',
      minProperties: 1,
      description: 'UPN → account (name, name@REALM or DOMAIN\\name)',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 1024, pattern: String.raw`^\S(?:[^\u0000-\u001f]*\S)?$` },
    },
  },
  additionalProperties: false,
};

const domainRule = {
  type: 'object',
  description: "replace the UPN's domain",
  required: ['kind', 'from', 'account'],
  properties: {
    kind: { const: 'domain' },
    name,
    from: { type: 'string', pattern: String.raw`^(?:\*|@?[^@\s]+)$`, description: 'the UPN domain (contoso.com) or * for any; case-insensitive' },
    account: { type: 'string', pattern: template, description: '{user}@REALM, DOMAIN\\{user} or {user}; {user} is the part of the UPN before the last @' },
  },
  additionalProperties: false,
};

const identityRule = {
  type: 'object',
  description: 'use the UPN unchanged',
  required: ['kind'],
  properties: { kind: { const: 'identity' }, name, domains },
  additionalProperties: false,
};

const ldapRule = {
  type: 'object',
  description: 'look the UPN up in an LDAP directory with a service account',
  required: ['kind', 'urls', 'baseDn'],
  properties: {
    kind: { const: 'ldap' },
    name,
    domains,
    urls: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', pattern: String.raw`^ldaps?://[^\s/?#@]+/?$` },
      description: 'ldap://host[:port] or ldaps://host[:port], tried in order while unreachable',
    },
    startTls: { type: 'boolean', default: false, description: 'upgrade ldap:// connections with StartTLS before binding' },
    tls: {
      type: 'object',
      properties: {
        ca: { type: 'string', minLength: 1, description: 'PEM file of the CA certificates to trust' },
        rejectUnauthorized: { type: 'boolean', default: true, description: 'verify the certificate and host name; false is for tests only' },
        servername: { type: 'string', minLength: 1, description: 'host name to check the certificate against, when not the URL host' },
      },
      additionalProperties: false,
    },
    bindDn: { type: 'string', minLength: 1, description: "the service account's DN (or AD user@domain); none: anonymous search" },
    bindPasswordFile: { type: 'string', minLength: 1, description: "a file holding the service account's password" },
    baseDn: { type: 'string', minLength: 1, description: 'where to search' },
    scope: { enum: ['base', 'one', 'sub'], default: 'sub', description: 'search scope' },
    searchAttribute: { ...attribute, default: 'userPrincipalName', description: 'the attribute compared with the UPN' },
    resultAttribute: { ...attribute, default: 'sAMAccountName', description: 'the attribute whose value becomes the account' },
    filter: { type: 'string', maxLength: 2000, pattern: String.raw`^\(.*\)$`, description: 'an extra filter ANDed with the search, e.g. (objectClass=user)' },
    account: { type: 'string', pattern: template, default: '{user}', description: '{user}, {user}@REALM or DOMAIN\\{user}; {user} is the value' },
    pageSize: { type: 'integer', minimum: 1, maximum: 10_000, default: 100, description: 'entries per page of the paged search' },
    connectTimeoutMs: ms('budget for the TCP (and ldaps TLS) connect', 5_000),
    timeoutMs: ms('budget for each LDAP request (StartTLS, bind, each search page)', 10_000),
    maxConcurrentLookups: { type: 'integer', minimum: 1, maximum: 100, default: 4, description: 'lookups running at once against this directory' },
    cache: {
      type: 'object',
      properties: {
        ttlMs: ms('how long a found account is reused; 0: not cached', 300_000, 0),
        negativeTtlMs: ms('how long "no such user" is remembered; 0: not cached', 60_000, 0),
        maxEntries: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 1_000, description: 'the most UPNs held (least recently used dropped first)' },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

/** JSON Schema of `UserMappingConfig`; embed it in a provider manifest's settingsSchema or dataSourceSchema. */
export const userMappingConfigSchema: Readonly<Record<string, unknown>> = {
  type: 'object',
  description: 'how cloud users (UPNs) map to local accounts: rules tried in order, the first that maps the user wins',
  required: ['rules'],
  properties: {
    rules: { type: 'array', minItems: 1, items: { oneOf: [tableRule, domainRule, identityRule, ldapRule] } },
  },
  additionalProperties: false,
};
