// Config examples shared by the validator's and the schema's tests (not part of the build).

const ldap = { kind: 'ldap', urls: ['ldap://dc1.contoso.local'], baseDn: 'dc=contoso,dc=local' };

/** Configs that are valid, as an admin would write them. */
export const validConfigs: [string, unknown][] = [
  ['a table', { rules: [{ kind: 'table', accounts: { 'ada@contoso.com': 'CONTOSO\\ada', 'bob@contoso.com': 'bob@CONTOSO.LOCAL', 'eve@contoso.com': 'eve' } }] }],
  ['a domain rule to a realm', { rules: [{ kind: 'domain', from: 'contoso.com', account: '{user}@CONTOSO.LOCAL' }] }],
  ['a domain rule with @ to a NetBIOS domain', { rules: [{ kind: 'domain', from: '@contoso.com', account: 'CONTOSO\\{user}' }] }],
  ['a domain rule for any domain', { rules: [{ kind: 'domain', name: 'strip', from: '*', account: '{user}' }] }],
  ['identity', { rules: [{ kind: 'identity' }, { kind: 'identity', domains: ['contoso.com', '@fabrikam.com'] }] }],
  ['a minimal ldap rule', { rules: [ldap] }],
  [
    'a full ldap rule',
    {
      rules: [
        {
          ...ldap,
          name: 'corp',
          domains: ['contoso.com'],
          urls: ['ldap://dc1.contoso.local:389', 'ldap://[::1]:389/'],
          startTls: true,
          tls: { ca: 'corp-ca.pem', rejectUnauthorized: true, servername: 'dc.contoso.local' },
          bindDn: 'CN=svc-gateway,OU=Service,DC=contoso,DC=local',
          bindPasswordFile: 'ldap.password',
          scope: 'one',
          searchAttribute: 'mail',
          resultAttribute: '1.2.840.113556.1.4.221',
          filter: '(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))',
          account: '{user}@CONTOSO.LOCAL',
          pageSize: 500,
          connectTimeoutMs: 2000,
          timeoutMs: 5000,
          maxConcurrentLookups: 8,
          cache: { ttlMs: 0, negativeTtlMs: 0, maxEntries: 0 },
        },
      ],
    },
  ],
  ['ldaps', { rules: [{ ...ldap, urls: ['ldaps://dc1.contoso.local:636'] }] }],
];

/** Invalid configs, with the pointer of the (first) problem and whether the JSON Schema alone catches it. */
export const invalidConfigs: [string, unknown, string, boolean][] = [
  ['not an object', 'rules', '', true],
  ['no rules', {}, '', true],
  ['empty rules', { rules: [] }, '/rules', true],
  ['an unknown top-level key', { rules: [{ kind: 'identity' }], extra: 1 }, '/extra', true],
  ['an unknown kind', { rules: [{ kind: 'regex' }] }, '/rules/0/kind', true],
  ['an unknown rule key', { rules: [{ kind: 'identity', domain: 'x.com' }] }, '/rules/0/domain', true],
  ['a table without accounts', { rules: [{ kind: 'table' }] }, '/rules/0', true],
  ['an empty table', { rules: [{ kind: 'table', accounts: {} }] }, '/rules/0/accounts', true],
  ['a table account with a control character', { rules: [{ kind: 'table', accounts: { 'a@b.c': 'a\u0001b' } }] }, '/rules/0/accounts/a@b.c', true],
  ['a table account with an empty domain', { rules: [{ kind: 'table', accounts: { 'a@b.c': '\\ada' } }] }, '/rules/0/accounts/a@b.c', false],
  ['a table key listed twice but for case', { rules: [{ kind: 'table', accounts: { 'Ada@contoso.com': 'a', 'ada@CONTOSO.com': 'b' } }] }, '/rules/0/accounts/ada@CONTOSO.com', false],
  ['a domain rule without {user}', { rules: [{ kind: 'domain', from: 'contoso.com', account: 'CONTOSO\\ada' }] }, '/rules/0/account', true],
  ['a domain rule with {user} twice', { rules: [{ kind: 'domain', from: 'contoso.com', account: '{user}@{user}' }] }, '/rules/0/account', true],
  ['a domain rule with a bad from', { rules: [{ kind: 'domain', from: 'a@b', account: '{user}' }] }, '/rules/0/from', true],
  ['identity with an empty domain list', { rules: [{ kind: 'identity', domains: [] }] }, '/rules/0/domains', true],
  ['ldap without urls', { rules: [{ kind: 'ldap', baseDn: 'dc=x' }] }, '/rules/0', true],
  ['ldap with an http url', { rules: [{ ...ldap, urls: ['http://dc1'] }] }, '/rules/0/urls/0', true],
  ['ldap with credentials in the url', { rules: [{ ...ldap, urls: ['ldap://svc:pw@dc1'] }] }, '/rules/0/urls/0', true],
  ['ldap with a path in the url', { rules: [{ ...ldap, urls: ['ldap://dc1/dc=x??sub'] }] }, '/rules/0/urls/0', true],
  ['ldap without baseDn', { rules: [{ kind: 'ldap', urls: ['ldap://dc1'] }] }, '/rules/0', true],
  ['StartTLS on ldaps', { rules: [{ ...ldap, urls: ['ldaps://dc1'], startTls: true }] }, '/rules/0/startTls', false],
  ['a password file without a bind DN', { rules: [{ ...ldap, bindPasswordFile: 'pw' }] }, '/rules/0/bindPasswordFile', false],
  ['a bad scope', { rules: [{ ...ldap, scope: 'subtree' }] }, '/rules/0/scope', true],
  ['an attribute with a filter in it', { rules: [{ ...ldap, searchAttribute: 'mail)(uid=*' }] }, '/rules/0/searchAttribute', true],
  ['a filter without parentheses', { rules: [{ ...ldap, filter: 'objectClass=user' }] }, '/rules/0/filter', true],
  ['an unbalanced filter', { rules: [{ ...ldap, filter: '(objectClass=user))' }] }, '/rules/0/filter', false],
  ['a filter of two components', { rules: [{ ...ldap, filter: '(a=b)(c=d)' }] }, '/rules/0/filter', false],
  ['a page size of 0', { rules: [{ ...ldap, pageSize: 0 }] }, '/rules/0/pageSize', true],
  ['a fractional timeout', { rules: [{ ...ldap, timeoutMs: 1.5 }] }, '/rules/0/timeoutMs', true],
  ['an unknown tls key', { rules: [{ ...ldap, tls: { cert: 'x' } }] }, '/rules/0/tls/cert', true],
  ['a negative cache ttl', { rules: [{ ...ldap, cache: { ttlMs: -1 } }] }, '/rules/0/cache/ttlMs', true],
  ['an ldap account template without {user}', { rules: [{ ...ldap, account: 'svc' }] }, '/rules/0/account', true],
  ['a name that is not a string', { rules: [{ kind: 'identity', name: 3 }] }, '/rules/0/name', true],
];
