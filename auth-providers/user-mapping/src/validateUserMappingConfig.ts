import { isAccountTemplate } from './expandAccountTemplate.js';
import { foldCase } from './foldCase.js';
import { isBalancedFilter } from './isBalancedFilter.js';
import { parseAccount } from './parseAccount.js';
import type { UserMappingConfig } from './userMappingConfig.js';
import { userMappingConfigError, type ConfigProblem } from './userMappingConfigError.js';

type Json = Record<string, unknown>;

const ruleKeys: Record<string, readonly string[]> = {
  table: ['kind', 'name', 'accounts'],
  domain: ['kind', 'name', 'from', 'account'],
  identity: ['kind', 'name', 'domains'],
  ldap: [
    'kind', 'name', 'domains', 'urls', 'startTls', 'tls', 'bindDn', 'bindPasswordFile', 'baseDn', 'scope', 'searchAttribute',
    'resultAttribute', 'filter', 'account', 'pageSize', 'connectTimeoutMs', 'timeoutMs', 'maxConcurrentLookups', 'cache',
  ],
};

const domainPattern = /^@?[^@\s]+$/u;
const fromPattern = /^(?:\*|@?[^@\s]+)$/u;
const urlPattern = /^ldaps?:\/\/[^\s/?#@]+\/?$/u;
const attributePattern = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)$/u;

function pointerPart(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a user-mapping config against everything its JSON Schema says, and the rest the schema
 * cannot say (accounts that parse, no two table keys equal but for case, StartTLS only on ldap://,
 * a balanced filter, a password file only with a bind DN). Returns every problem; none means valid.
 */
export function validateUserMappingConfig(config: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (pointer: string, message: string): void => {
    problems.push({ pointer, message });
  };
  const closed = (value: Json, allowed: readonly string[], pointer: string): void => {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) problem(`${pointer}/${pointerPart(key)}`, `unknown setting "${key}"`);
  };
  const string = (value: Json, key: string, pointer: string, check: { required?: boolean; pattern?: RegExp; max?: number; what?: string } = {}): string | undefined => {
    const v = value[key];
    const at = `${pointer}/${key}`;
    if (v === undefined) {
      if (check.required) problem(pointer, `"${key}" is required`);
      return undefined;
    }
    if (typeof v !== 'string' || v.length === 0) return void problem(at, 'must be a non-empty string');
    if (check.max !== undefined && v.length > check.max) return void problem(at, `must be at most ${check.max} characters`);
    if (check.pattern && !check.pattern.test(v)) return void problem(at, `must be ${check.what ?? `a string matching ${check.pattern.source}`}`);
    return v;
  };
  const integer = (value: Json, key: string, pointer: string, min: number, max: number): void => {
    const v = value[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) problem(`${pointer}/${key}`, `must be an integer from ${min} to ${max}`);
  };
  const boolean = (value: Json, key: string, pointer: string): void => {
    if (value[key] !== undefined && typeof value[key] !== 'boolean') problem(`${pointer}/${key}`, 'must be true or false');
  };
  const domainList = (value: Json, pointer: string): void => {
    const v = value.domains;
    if (v === undefined) return;
    if (!Array.isArray(v) || v.length === 0) return problem(`${pointer}/domains`, 'must be a non-empty array of domains');
    v.forEach((d, i) => {
      if (typeof d !== 'string' || !domainPattern.test(d)) problem(`${pointer}/domains/${i}`, 'must be a domain such as contoso.com');
    });
  };
  const template = (value: Json, key: string, pointer: string, required: boolean): void => {
    const v = string(value, key, pointer, { required });
    if (v !== undefined && !isAccountTemplate(v)) problem(`${pointer}/${key}`, 'must be {user}, {user}@REALM or DOMAIN\\{user}');
  };

  if (!isObject(config)) return [{ pointer: '', message: 'must be an object with "rules"' }];
  closed(config, ['rules'], '');
  const rules = config.rules;
  if (rules === undefined) problem('', '"rules" is required');
  else if (!Array.isArray(rules) || rules.length === 0) problem('/rules', 'must be a non-empty array of rules');
  else
    rules.forEach((rule: unknown, index) => {
      const at = `/rules/${index}`;
      if (!isObject(rule)) return problem(at, 'must be an object');
      const kind = rule.kind;
      const allowed = typeof kind === 'string' ? ruleKeys[kind] : undefined;
      if (!allowed) return problem(`${at}/kind`, 'must be one of table, domain, identity, ldap');
      closed(rule, allowed, at);
      string(rule, 'name', at, { max: 100 });
      if (kind === 'table') {
        const accounts = rule.accounts;
        if (accounts === undefined) return problem(at, '"accounts" is required');
        if (!isObject(accounts) || Object.keys(accounts).length === 0) return problem(`${at}/accounts`, 'must be a non-empty object of UPN → account');
        const seen = new Map<string, string>();
        for (const [upn, account] of Object.entries(accounts)) {
          const where = `${at}/accounts/${pointerPart(upn)}`;
          const folded = foldCase(upn);
          const earlier = seen.get(folded);
          if (earlier !== undefined) problem(where, `"${upn}" and "${earlier}" are the same UPN (UPNs are compared case-insensitively)`);
          seen.set(folded, upn);
          if (typeof account !== 'string' || account.length > 1024 || !parseAccount(account)) problem(where, 'must be an account: name, name@REALM or DOMAIN\\name');
        }
      } else if (kind === 'domain') {
        string(rule, 'from', at, { required: true, pattern: fromPattern, what: 'a domain such as contoso.com, or *' });
        template(rule, 'account', at, true);
      } else if (kind === 'identity') {
        domainList(rule, at);
      } else {
        domainList(rule, at);
        const urls = rule.urls;
        let hasLdaps = false;
        if (urls === undefined) problem(at, '"urls" is required');
        else if (!Array.isArray(urls) || urls.length === 0) problem(`${at}/urls`, 'must be a non-empty array of ldap:// or ldaps:// URLs');
        else
          urls.forEach((url, i) => {
            if (typeof url !== 'string' || !urlPattern.test(url)) return problem(`${at}/urls/${i}`, 'must be ldap://host[:port] or ldaps://host[:port] (no path, no credentials)');
            try {
              new URL(url);
            } catch {
              return problem(`${at}/urls/${i}`, 'is not a valid URL');
            }
            if (url.startsWith('ldaps:')) hasLdaps = true;
          });
        boolean(rule, 'startTls', at);
        if (rule.startTls === true && hasLdaps) problem(`${at}/startTls`, 'applies to ldap:// URLs only (ldaps:// is TLS from the start)');
        const tls = rule.tls;
        if (tls !== undefined) {
          if (!isObject(tls)) problem(`${at}/tls`, 'must be an object');
          else {
            closed(tls, ['ca', 'rejectUnauthorized', 'servername'], `${at}/tls`);
            string(tls, 'ca', `${at}/tls`);
            boolean(tls, 'rejectUnauthorized', `${at}/tls`);
            string(tls, 'servername', `${at}/tls`);
          }
        }
        string(rule, 'bindDn', at);
        const passwordFile = string(rule, 'bindPasswordFile', at);
        if (passwordFile !== undefined && rule.bindDn === undefined) problem(`${at}/bindPasswordFile`, 'needs "bindDn" (without a bind DN the search is anonymous)');
        string(rule, 'baseDn', at, { required: true });
        if (rule.scope !== undefined && !['base', 'one', 'sub'].includes(rule.scope as string)) problem(`${at}/scope`, 'must be base, one or sub');
        string(rule, 'searchAttribute', at, { pattern: attributePattern, what: 'an attribute name or OID' });
        string(rule, 'resultAttribute', at, { pattern: attributePattern, what: 'an attribute name or OID' });
        const filter = string(rule, 'filter', at, { max: 2000 });
        if (filter !== undefined && !isBalancedFilter(filter)) problem(`${at}/filter`, 'must be one parenthesised LDAP filter, e.g. (objectClass=user)');
        template(rule, 'account', at, false);
        integer(rule, 'pageSize', at, 1, 10_000);
        integer(rule, 'connectTimeoutMs', at, 1, 86_400_000);
        integer(rule, 'timeoutMs', at, 1, 86_400_000);
        integer(rule, 'maxConcurrentLookups', at, 1, 100);
        const cache = rule.cache;
        if (cache !== undefined) {
          if (!isObject(cache)) problem(`${at}/cache`, 'must be an object');
          else {
            closed(cache, ['ttlMs', 'negativeTtlMs', 'maxEntries'], `${at}/cache`);
            integer(cache, 'ttlMs', `${at}/cache`, 0, 86_400_000);
            integer(cache, 'negativeTtlMs', `${at}/cache`, 0, 86_400_000);
            integer(cache, 'maxEntries', `${at}/cache`, 0, 1_000_000);
          }
        }
      }
    });
  return problems;
}

/** Throws CW_CONFIG_INVALID listing every problem (pointers prefixed with `at.pointer`) unless the config is valid. */
export function assertUserMappingConfig(config: unknown, at: { pointer?: string; file?: string } = {}): asserts config is UserMappingConfig {
  const problems = validateUserMappingConfig(config);
  if (problems.length > 0) throw userMappingConfigError(problems, at);
}
