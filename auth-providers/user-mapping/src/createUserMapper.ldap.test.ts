// LDAP mapping against a real OpenLDAP slapd (Debian), started by test/support/slapd in a temp folder
// on free ports of 127.0.0.1, with a CA made by openssl for its LDAPS and StartTLS listeners. The
// searches slapd received are counted from its own stats log, not from our code.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { CausewayError, type Logger } from '@causeway/sdk';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requireSlapd, slapdSkipLine } from '../../../test/support/slapd/findSlapd.js';
import { freePort } from '../../../test/support/slapd/freePort.js';
import { startSilentServer, type SilentServer } from '../../../test/support/slapd/startSilentServer.js';
import { startSlapd, type Slapd } from '../../../test/support/slapd/startSlapd.js';
import { startStallingProxy } from '../../../test/support/slapd/startStallingProxy.js';
import type { LdifEntry } from '../../../test/support/slapd/toLdif.js';
import { createUserMapper } from './createUserMapper.js';
import type { UserMapperOptions } from './userMapper.js';
import type { LdapRule } from './userMappingConfig.js';

const binaries = requireSlapd();
if (!binaries) console.log(slapdSkipLine);

const suffix = 'dc=contoso,dc=local';
const people = `ou=people,${suffix}`;
const serviceDn = `cn=gateway,ou=services,${suffix}`;
const servicePassword = `svc-SECRET-${randomBytes(8).toString('hex')}`;
const wrongPassword = `wrong-SECRET-${randomBytes(8).toString('hex')}`;

function person(uid: string, attributes: Record<string, string | string[]>): LdifEntry {
  return { dn: `uid=${uid},${people}`, objectClass: ['inetOrgPerson', 'causewayAdUser'], uid, cn: uid, sn: uid, ...attributes };
}

const entries: LdifEntry[] = [
  { dn: people, objectClass: ['organizationalUnit'], ou: 'people' },
  { dn: `ou=services,${suffix}`, objectClass: ['organizationalUnit'], ou: 'services' },
  { dn: serviceDn, objectClass: ['person'], cn: 'gateway', sn: 'gateway', userPassword: servicePassword },
  person('ada', { userPrincipalName: 'ada@contoso.com', mail: 'ada.lovelace@contoso.com', sAMAccountName: 'alovelace' }),
  person('grace', { userPrincipalName: 'grace@contoso.com', mail: 'grace.hopper@contoso.com', sAMAccountName: 'ghopper' }),
  person('alan', { userPrincipalName: 'alan@contoso.com', sAMAccountName: 'aturing' }),
  person('edsger', { userPrincipalName: 'edsger@contoso.com', sAMAccountName: 'edijkstra' }),
  person('twin1', { userPrincipalName: 'twin1@contoso.com', mail: 'shared@contoso.com', sAMAccountName: 'twin1' }),
  person('twin2', { userPrincipalName: 'twin2@contoso.com', mail: 'shared@contoso.com', sAMAccountName: 'twin2' }),
  person('star', { userPrincipalName: 'star*name@contoso.com', sAMAccountName: 'starname' }),
  person('paren', { userPrincipalName: 'p(a)ren@contoso.com', sAMAccountName: 'paren' }),
  person('backslash', { userPrincipalName: 'back\\slash@contoso.com', sAMAccountName: 'backslash' }),
  person('zoe', { userPrincipalName: 'zoë@contoso.com', sAMAccountName: 'zoe' }),
  person('noaccount', { userPrincipalName: 'noaccount@contoso.com' }),
  person('dual', { uid: ['dual', 'dual2'], userPrincipalName: 'dual@contoso.com', sAMAccountName: 'dual' }),
  ...Array.from({ length: 12 }, (_, i) => {
    const id = `member${String(i + 1).padStart(2, '0')}`;
    return person(id, { userPrincipalName: `${id}@contoso.com`, mail: 'team@contoso.com', sAMAccountName: id });
  }),
];

/** A logger that keeps every line as JSON, to scan for secrets. */
function recordingLogger(lines: string[], bindings: Record<string, unknown> = {}): Logger {
  const write =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push(JSON.stringify({ level, ...bindings, ...(typeof obj === 'string' ? { msg: obj } : { ...obj, msg }) }));
    };
  return { trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (b) => recordingLogger(lines, { ...bindings, ...b }) };
}

/** Everything an error exposes: message, details, cause chain, own properties. */
function everything(error: unknown): string {
  return `${inspect(error, { depth: 10, showHidden: true })}\n${JSON.stringify(error)}\n${String((error as Error)?.message)}`;
}

async function failure(promise: Promise<unknown>): Promise<CausewayError> {
  try {
    await promise;
  } catch (error) {
    return error as CausewayError;
  }
  throw new Error('expected a failure, got a result');
}

const never = new AbortController().signal;

describe.skipIf(!binaries)('user mapping through LDAP (real slapd)', () => {
  let slapd: Slapd;
  let dir: string;
  let passwordFile: string;
  let wrongPasswordFile: string;
  const logs: string[] = [];
  let clockNow = 1_700_000_000_000;
  const clock = { now: () => clockNow };

  beforeAll(async () => {
    const started = performance.now();
    slapd = await startSlapd({ binaries: binaries!, suffix, entries, sizeLimit: 5 });
    console.log(`slapd ready in ${Math.round(slapd.startMs)} ms (with certificates and seed data: ${Math.round(performance.now() - started)} ms)`);
    dir = await mkdtemp(join(tmpdir(), 'causeway-user-mapping-'));
    passwordFile = join(dir, 'bind.password');
    wrongPasswordFile = join(dir, 'wrong.password');
    await writeFile(passwordFile, `${servicePassword}\n`, { mode: 0o600 });
    await writeFile(wrongPasswordFile, `${wrongPassword}\n`, { mode: 0o600 });
  });

  afterAll(async () => {
    await slapd?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** An LDAP rule against the test slapd, bound as the service account. */
  function ldap(overrides: Partial<LdapRule> = {}): LdapRule {
    return { kind: 'ldap', urls: [slapd.url], bindDn: serviceDn, bindPasswordFile: passwordFile, baseDn: suffix, ...overrides };
  }

  function mapper(rules: Parameters<typeof createUserMapper>[0]['rules'], options: Partial<UserMapperOptions> = {}) {
    return createUserMapper({ rules }, { logger: recordingLogger(logs), clock, ...options });
  }

  /** How many searches slapd logged with exactly this filter (slapd prints escapes in upper case). */
  function searches(filter: string): number {
    return slapd.searchFilters().filter((f) => f.toLowerCase() === filter.toLowerCase()).length;
  }

  /** Waits until slapd has logged `count` searches with this filter. */
  async function searched(filter: string, count: number): Promise<void> {
    await slapd.waitForLog(() => searches(filter) >= count, 5_000, `${count} searches for ${filter}`);
  }

  afterAll(() => {
    // No secret in any log line written by any mapper in this file.
    const all = logs.join('\n');
    expect(all).not.toContain(servicePassword);
    expect(all).not.toContain(wrongPassword);
  });

  describe('lookups', () => {
    it('maps a UPN through userPrincipalName → sAMAccountName', async () => {
      const m = await mapper([ldap()]);
      const user = await m.map({ userPrincipalName: 'ada@contoso.com' }, never);
      expect(user).toMatchObject({ upn: 'ada@contoso.com', account: 'alovelace', localName: 'alovelace', format: 'name', source: 'ldap', rule: 0, dn: `uid=ada,${people}`, cached: false });
      expect(user.domain).toBeUndefined();
      await m.close();
    });

    it('maps by mail, and shapes the value with an account template', async () => {
      const m = await mapper([ldap({ searchAttribute: 'mail', account: 'CONTOSO\\{user}', name: 'corp' })]);
      const user = await m.map({ userPrincipalName: 'grace.hopper@contoso.com' }, never);
      expect(user).toMatchObject({ account: 'CONTOSO\\ghopper', localName: 'ghopper', domain: 'CONTOSO', format: 'down-level', source: 'ldap', ruleName: 'corp' });
      await searched('(mail=grace.hopper@contoso.com)', 1);
      await m.close();
    });

    it('can take the directory UPN as the account (search by mail, result userPrincipalName)', async () => {
      const m = await mapper([ldap({ searchAttribute: 'mail', resultAttribute: 'userPrincipalName' })]);
      expect(await m.map({ userPrincipalName: 'ada.lovelace@contoso.com' }, never)).toMatchObject({ account: 'ada@contoso.com', localName: 'ada', domain: 'contoso.com', format: 'upn' });
      await m.close();
    });

    it('matches the UPN as the directory does (userPrincipalName is caseIgnoreMatch here)', async () => {
      const m = await mapper([ldap()]);
      expect((await m.map({ userPrincipalName: 'GRACE@Contoso.COM' }, never)).account).toBe('ghopper');
      await m.close();
    });

    it('keeps non-ASCII UPNs intact (UTF-8 in the filter)', async () => {
      const m = await mapper([ldap()]);
      expect((await m.map({ userPrincipalName: 'zoë@contoso.com' }, never)).account).toBe('zoe');
      await m.close();
    });

    it('ANDs the extra filter: an entry outside it is unknown', async () => {
      const m = await mapper([ldap({ filter: '(objectClass=inetOrgPerson)' })]);
      expect((await m.map({ userPrincipalName: 'ada@contoso.com' }, never)).account).toBe('alovelace');
      await searched('(&(objectClass=inetOrgPerson)(userPrincipalName=ada@contoso.com))', 1);
      await m.close();
      const none = await mapper([ldap({ filter: '(objectClass=groupOfNames)' })]);
      expect(await failure(none.map({ userPrincipalName: 'ada@contoso.com' }, never))).toMatchObject({ code: 'CW_USER_UNKNOWN' });
      await none.close();
    });

    it('an unknown user is CW_USER_UNKNOWN naming the UPN and what was searched', async () => {
      const m = await mapper([ldap()]);
      const error = await failure(m.map({ userPrincipalName: 'nobody@contoso.com' }, never));
      expect(error).toMatchObject({ name: 'AuthError', code: 'CW_USER_UNKNOWN' });
      expect(error.message).toContain('"nobody@contoso.com"');
      expect(error.message).toContain('no entry with userPrincipalName="nobody@contoso.com"');
      await m.close();
    });

    it('an unknown user falls through to the next rule; a known one does not', async () => {
      const m = await mapper([ldap(), { kind: 'domain', from: 'contoso.com', account: '{user}@CONTOSO.LOCAL' }]);
      expect(await m.map({ userPrincipalName: 'newhire@contoso.com' }, never)).toMatchObject({ account: 'newhire@CONTOSO.LOCAL', source: 'rule', rule: 1 });
      expect(await m.map({ userPrincipalName: 'alan@contoso.com' }, never)).toMatchObject({ account: 'aturing', source: 'ldap', rule: 0 });
      await m.close();
    });

    it('an LDAP rule limited to domains does not search for other domains', async () => {
      const m = await mapper([ldap({ domains: ['fabrikam.com'] }), { kind: 'identity' }]);
      expect(await m.map({ userPrincipalName: 'edsger@contoso.com' }, never)).toMatchObject({ account: 'edsger@contoso.com', source: 'identity', rule: 1 });
      // A sentinel search proves the log is current: the skipped lookup never reached slapd.
      const sentinel = await mapper([ldap()]);
      await sentinel.map({ userPrincipalName: 'grace@contoso.com' }, never);
      await slapd.waitForLog((l) => l.some((x) => x.includes('filter="(userPrincipalName=grace@contoso.com)"')));
      expect(searches('(userPrincipalName=edsger@contoso.com)')).toBe(0);
      await m.close();
      await sentinel.close();
    });

    it('several matching entries are CW_USER_AMBIGUOUS, listing them', async () => {
      const m = await mapper([ldap({ searchAttribute: 'mail' }), { kind: 'identity' }]);
      const error = await failure(m.map({ userPrincipalName: 'shared@contoso.com' }, never));
      expect(error).toMatchObject({ code: 'CW_USER_AMBIGUOUS', details: { matches: 2 } });
      expect(error.message).toContain(`uid=twin1,${people}`);
      expect(error.message).toContain(`uid=twin2,${people}`);
      await m.close();
    });

    it('a result attribute with several values is CW_USER_AMBIGUOUS', async () => {
      const m = await mapper([ldap({ resultAttribute: 'uid' })]);
      expect(await failure(m.map({ userPrincipalName: 'dual@contoso.com' }, never))).toMatchObject({ code: 'CW_USER_AMBIGUOUS', details: { matches: 2 } });
      await m.close();
    });

    it('an entry without the result attribute is CW_USER_UNKNOWN and stops the rules', async () => {
      const m = await mapper([ldap(), { kind: 'identity' }]);
      const error = await failure(m.map({ userPrincipalName: 'noaccount@contoso.com' }, never));
      expect(error).toMatchObject({ code: 'CW_USER_UNKNOWN' });
      expect(error.message).toContain('has no sAMAccountName');
      await m.close();
    });

    it('pages through more matches than the server size limit (5) instead of failing', async () => {
      // The limit is real: an unpaged search for the same filter fails with sizeLimitExceeded.
      const direct = new Client({ url: slapd.url });
      await direct.bind(serviceDn, servicePassword);
      await expect(direct.search(suffix, { filter: '(mail=team@contoso.com)' })).rejects.toMatchObject({ code: 4 });
      await direct.unbind();
      const before = searches('(mail=team@contoso.com)');
      const m = await mapper([ldap({ searchAttribute: 'mail', pageSize: 3 })]);
      const error = await failure(m.map({ userPrincipalName: 'team@contoso.com' }, never));
      expect(error).toMatchObject({ code: 'CW_USER_AMBIGUOUS', details: { matches: 12, truncated: false } });
      // Twelve entries in pages of three: slapd received (at least) four page requests.
      await searched('(mail=team@contoso.com)', before + 4);
      await m.close();
    });

    it('a base DN that does not exist is CW_DIRECTORY_FAILED with the server code', async () => {
      const m = await mapper([ldap({ baseDn: `ou=nowhere,${suffix}` })]);
      const error = await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never));
      expect(error).toMatchObject({ code: 'CW_DIRECTORY_FAILED', details: { serverCode: '32' } });
      expect(error.message).toContain('noSuchObject (32)');
      expect(error.message).toContain(`ou=nowhere,${suffix}`);
      await m.close();
    });

    it('without a bind DN the search is anonymous (this directory hides everything from anonymous users)', async () => {
      const m = await mapper([{ kind: 'ldap', urls: [slapd.url], baseDn: suffix }]);
      // slapd answers noSuchObject for a base the client may not see.
      expect(await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never))).toMatchObject({ code: 'CW_DIRECTORY_FAILED', details: { serverCode: '32' } });
      await m.close();
    });

    it('takes the bind password from the provider when it supplies one', async () => {
      const asked: unknown[] = [];
      const m = await mapper([{ kind: 'ldap', name: 'corp', urls: [slapd.url], bindDn: serviceDn, baseDn: suffix }], {
        bindPassword: (request) => {
          asked.push(request);
          return servicePassword;
        },
      });
      expect((await m.map({ userPrincipalName: 'ada@contoso.com' }, never)).account).toBe('alovelace');
      expect(asked).toEqual([{ rule: 0, ruleName: 'corp', bindDn: serviceDn }]);
      await m.close();
    });

    it('verify() binds and reads the base DN; a missing base DN fails it', async () => {
      const m = await mapper([{ kind: 'table', accounts: { 'x@contoso.com': 'x' } }, ldap({ name: 'corp' })]);
      const checks = await m.verify(never);
      expect(checks).toEqual([{ rule: 1, ruleName: 'corp', url: slapd.url, latencyMs: expect.any(Number) }]);
      await m.close();
      const bad = await mapper([ldap({ baseDn: `ou=nowhere,${suffix}` })]);
      expect(await failure(bad.verify(never))).toMatchObject({ code: 'CW_DIRECTORY_FAILED' });
      await bad.close();
    });
  });

  describe('no injection through the UPN', () => {
    const attempts: [string, string][] = [
      ['a lone wildcard', '*'],
      ['a wildcard suffix', '*@contoso.com'],
      ['a wildcard inside a real UPN', 'star*'],
      ['a closing parenthesis and a new component', '*)(uid=*'],
      ['an OR smuggled after a real UPN', 'ada@contoso.com)(|(uid=*'],
      ['a NUL after a real UPN', 'ada@contoso.com\u0000'],
      ['a NUL before a wildcard', '\u0000*'],
      ['an already-escaped wildcard', '\\2a'],
      ['a backslash', 'ada\\@contoso.com'],
      ['parentheses around a real UPN', '(ada@contoso.com)'],
    ];

    it.each(attempts)('%s (%j) matches nobody', async (_name, upn) => {
      const m = await mapper([ldap()]);
      const error = await failure(m.map({ userPrincipalName: upn }, never));
      // Unescaped, most of these would match every entry (CW_USER_AMBIGUOUS) or break the filter (CW_DIRECTORY_FAILED).
      expect(error).toMatchObject({ code: 'CW_USER_UNKNOWN' });
      await m.close();
    });

    it('slapd receives one equality assertion with the value escaped', async () => {
      const m = await mapper([ldap({ filter: '(objectClass=inetOrgPerson)' })]);
      await failure(m.map({ userPrincipalName: '*)(uid=*' }, never));
      await failure(m.map({ userPrincipalName: '*))(|(objectClass=*' }, never));
      await searched('(&(objectClass=inetOrgPerson)(userPrincipalName=\\2A\\29\\28uid=\\2A))', 1);
      await searched('(&(objectClass=inetOrgPerson)(userPrincipalName=\\2A\\29\\29\\28|\\28objectClass=\\2A))', 1);
      await m.close();
    });

    it.each([
      ['star*name@contoso.com', 'starname'],
      ['p(a)ren@contoso.com', 'paren'],
      ['back\\slash@contoso.com', 'backslash'],
    ])('a UPN that really contains special characters (%j) maps to its own entry', async (upn, account) => {
      const m = await mapper([ldap()]);
      expect((await m.map({ userPrincipalName: upn }, never)).account).toBe(account);
      await m.close();
    });
  });

  describe('cache', () => {
    it('reuses a found account until its TTL, counted by the searches slapd received', async () => {
      const m = await mapper([ldap({ cache: { ttlMs: 60_000, negativeTtlMs: 1_000 } })]);
      const filter = '(userPrincipalName=alan@contoso.com)';
      const before = searches(filter);
      expect(await m.map({ userPrincipalName: 'alan@contoso.com' }, never)).toMatchObject({ account: 'aturing', cached: false });
      await searched(filter, before + 1);
      expect(await m.map({ userPrincipalName: 'alan@contoso.com' }, never)).toMatchObject({ account: 'aturing', cached: true });
      clockNow += 59_000;
      expect(await m.map({ userPrincipalName: 'alan@contoso.com' }, never)).toMatchObject({ cached: true });
      // The sentinel's search is logged after any search the cached calls might have made.
      await m.map({ userPrincipalName: 'grace@contoso.com' }, never);
      await slapd.waitForLog(() => searches('(userPrincipalName=grace@contoso.com)') > 0);
      expect(searches(filter)).toBe(before + 1);
      clockNow += 2_000;
      expect(await m.map({ userPrincipalName: 'alan@contoso.com' }, never)).toMatchObject({ cached: false });
      await searched(filter, before + 2);
      await m.close();
    });

    it('remembers "no such user" for the negative TTL', async () => {
      const m = await mapper([ldap({ cache: { ttlMs: 60_000, negativeTtlMs: 5_000 } })]);
      const filter = '(userPrincipalName=ghost@contoso.com)';
      await failure(m.map({ userPrincipalName: 'ghost@contoso.com' }, never));
      await failure(m.map({ userPrincipalName: 'ghost@contoso.com' }, never));
      await searched(filter, 1);
      await m.map({ userPrincipalName: 'edsger@contoso.com' }, never);
      await searched('(userPrincipalName=edsger@contoso.com)', 1);
      expect(searches(filter)).toBe(1);
      clockNow += 5_001;
      await failure(m.map({ userPrincipalName: 'ghost@contoso.com' }, never));
      await searched(filter, 2);
      await m.close();
    });

    it('holds at most maxEntries UPNs, dropping the least recently used', async () => {
      const m = await mapper([ldap({ cache: { maxEntries: 2 } })]);
      const map = (upn: string) => m.map({ userPrincipalName: upn }, never);
      expect((await map('twin1@contoso.com')).cached).toBe(false);
      expect((await map('twin2@contoso.com')).cached).toBe(false);
      expect((await map('twin1@contoso.com')).cached).toBe(true); // twin2 is now the least recently used
      expect((await map('member01@contoso.com')).cached).toBe(false); // evicts twin2
      expect((await map('twin1@contoso.com')).cached).toBe(true);
      expect((await map('twin2@contoso.com')).cached).toBe(false);
      await m.close();
    });

    it('does not cache errors', async () => {
      const m = await mapper([ldap({ searchAttribute: 'mail' })]);
      await failure(m.map({ userPrincipalName: 'shared@contoso.com' }, never));
      await failure(m.map({ userPrincipalName: 'shared@contoso.com' }, never));
      await searched('(mail=shared@contoso.com)', 2);
      await m.close();
    });

    it('concurrent lookups of one UPN share one search', async () => {
      const m = await mapper([ldap()]);
      const filter = '(userPrincipalName=member02@contoso.com)';
      const before = searches(filter);
      const users = await Promise.all(Array.from({ length: 6 }, () => m.map({ userPrincipalName: 'member02@contoso.com' }, never)));
      expect(new Set(users.map((u) => u.account))).toEqual(new Set(['member02']));
      await m.map({ userPrincipalName: 'member03@contoso.com' }, never);
      await searched('(userPrincipalName=member03@contoso.com)', 1);
      expect(searches(filter)).toBe(before + 1);
      await m.close();
    });
  });

  describe('service account', () => {
    it('a wrong bind password is CW_DIRECTORY_BIND_DENIED, and no password appears anywhere', async () => {
      const m = await mapper([ldap({ bindPasswordFile: wrongPasswordFile })]);
      const error = await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never));
      expect(error).toMatchObject({ name: 'AuthError', code: 'CW_DIRECTORY_BIND_DENIED', details: { serverCode: '49', bindDn: serviceDn, url: slapd.url } });
      expect(error.message).toContain('invalidCredentials (49)');
      expect(error.message).toContain(serviceDn);
      expect(everything(error)).not.toContain(wrongPassword);
      expect(everything(error)).not.toContain(servicePassword);
      expect(logs.join('\n')).not.toContain(wrongPassword);
      await m.close();
    });

    it('an unknown bind DN is refused the same way', async () => {
      const m = await mapper([ldap({ bindDn: `cn=nobody,ou=services,${suffix}` })]);
      expect(await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never))).toMatchObject({ code: 'CW_DIRECTORY_BIND_DENIED' });
      await m.close();
    });

    it('an empty password from the provider is refused before any bind (no unauthenticated bind)', async () => {
      const m = await mapper([{ kind: 'ldap', urls: [slapd.url], bindDn: serviceDn, baseDn: suffix }], { bindPassword: () => '' });
      expect(await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never))).toMatchObject({ code: 'CW_CONFIG_INVALID' });
      await m.close();
    });
  });

  describe('TLS', () => {
    it('LDAPS with the right CA maps', async () => {
      const m = await mapper([ldap({ urls: [slapd.ldapsUrl], tls: { ca: slapd.certificates.caFile } })]);
      expect((await m.map({ userPrincipalName: 'ada@contoso.com' }, never)).account).toBe('alovelace');
      await m.close();
    });

    it('LDAPS with a CA that did not sign the certificate is CW_DIRECTORY_UNREACHABLE (tls)', async () => {
      const m = await mapper([ldap({ urls: [slapd.ldapsUrl], tls: { ca: slapd.certificates.otherCaFile } })]);
      const error = await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never));
      expect(error).toMatchObject({ code: 'CW_DIRECTORY_UNREACHABLE', details: { attempts: [{ url: slapd.ldapsUrl, phase: 'connect', failure: 'tls' }] } });
      expect(error.message).toContain('TLS handshake failed');
      expect(everything(error)).not.toContain(servicePassword);
      await m.close();
    });

    it('LDAPS without any CA (system roots only) is refused too', async () => {
      const m = await mapper([ldap({ urls: [slapd.ldapsUrl] })]);
      expect(await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never))).toMatchObject({ code: 'CW_DIRECTORY_UNREACHABLE', details: { attempts: [{ failure: 'tls' }] } });
      await m.close();
    });

    it('LDAPS checks the host name: a servername the certificate does not name fails', async () => {
      const m = await mapper([ldap({ urls: [slapd.ldapsUrl], tls: { ca: slapd.certificates.caFile, servername: 'ldap.example.org' } })]);
      expect(await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never))).toMatchObject({ code: 'CW_DIRECTORY_UNREACHABLE', details: { attempts: [{ failure: 'tls' }] } });
      await m.close();
    });

    it('LDAPS with rejectUnauthorized false accepts an untrusted certificate (tests only)', async () => {
      const m = await mapper([ldap({ urls: [slapd.ldapsUrl], tls: { ca: slapd.certificates.otherCaFile, rejectUnauthorized: false } })]);
      expect((await m.map({ userPrincipalName: 'ada@contoso.com' }, never)).account).toBe('alovelace');
      await m.close();
    });

    it('StartTLS with the right CA maps, and binds only after the upgrade', async () => {
      const m = await mapper([ldap({ startTls: true, tls: { ca: slapd.certificates.caFile } })]);
      expect((await m.map({ userPrincipalName: 'edsger@contoso.com' }, never)).account).toBe('edijkstra');
      await m.close();
      // On the connection that did StartTLS, slapd logged the bind with a non-zero security strength factor.
      const startTlsConnections = slapd.log().flatMap((x) => /conn=(\d+) op=\d+ EXT oid=1\.3\.6\.1\.4\.1\.1466\.20037/.exec(x)?.[1] ?? []);
      const conn = startTlsConnections.at(-1);
      expect(conn).toBeDefined();
      await slapd.waitForLog((l) => l.some((x) => new RegExp(`conn=${conn} op=\\d+ BIND dn="${serviceDn}" mech=SIMPLE bind_ssf=0 ssf=[1-9]`).test(x)));
    });

    it('StartTLS with the wrong CA is CW_DIRECTORY_UNREACHABLE (tls) and never sends the bind', async () => {
      const binds = () => slapd.log().filter((x) => x.includes(`BIND dn="${serviceDn}" method=128`)).length;
      const before = binds();
      const m = await mapper([ldap({ startTls: true, tls: { ca: slapd.certificates.otherCaFile } })]);
      const error = await failure(m.map({ userPrincipalName: 'grace@contoso.com' }, never));
      expect(error).toMatchObject({ code: 'CW_DIRECTORY_UNREACHABLE', details: { attempts: [{ phase: 'StartTLS', failure: 'tls' }] } });
      // A sentinel lookup's bind is logged after any bind the failed one could have sent: only it appears.
      const sentinel = await mapper([ldap({ cache: { ttlMs: 0, negativeTtlMs: 0 } })]);
      await sentinel.map({ userPrincipalName: 'grace@contoso.com' }, never);
      await slapd.waitForLog(() => binds() >= before + 1);
      expect(binds()).toBe(before + 1);
      await m.close();
      await sentinel.close();
    });
  });

  describe('directory down or hung', () => {
    let silent: SilentServer;
    beforeAll(async () => {
      silent = await startSilentServer();
    });
    afterAll(async () => {
      await silent?.close();
    });

    it('an unused port is CW_DIRECTORY_UNREACHABLE (refused)', async () => {
      const port = await freePort();
      const m = await mapper([ldap({ urls: [`ldap://127.0.0.1:${port}`] })]);
      const error = await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never));
      expect(error).toMatchObject({ code: 'CW_DIRECTORY_UNREACHABLE', details: { attempts: [{ url: `ldap://127.0.0.1:${port}`, phase: 'connect', failure: 'refused' }] } });
      expect(error.message).toContain(`127.0.0.1:${port}`);
      await m.close();
    });

    it('fails over to the next URL when the first is down', async () => {
      const port = await freePort();
      const m = await mapper([ldap({ urls: [`ldap://127.0.0.1:${port}`, slapd.url] })]);
      expect((await m.map({ userPrincipalName: 'ada@contoso.com' }, never)).account).toBe('alovelace');
      expect(logs.some((l) => l.includes(`"url":"ldap://127.0.0.1:${port}"`) && l.includes('"failure":"refused"'))).toBe(true);
      await m.close();
    });

    it('a server that accepts and never answers times out the bind (CW_DIRECTORY_UNREACHABLE, timeout)', async () => {
      const m = await mapper([ldap({ urls: [`ldap://127.0.0.1:${silent.port}`], timeoutMs: 300 })]);
      const started = Date.now();
      const error = await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toMatchObject({ code: 'CW_DIRECTORY_UNREACHABLE', details: { attempts: [{ phase: 'bind', failure: 'timeout' }] } });
      expect(error.message).toContain('did not answer the bind within 300 ms');
      await m.close();
    });

    it('a search the server never answers times out (after a successful bind)', async () => {
      const proxy = await startStallingProxy({ host: '127.0.0.1', port: slapd.port });
      try {
        const m = await mapper([ldap({ urls: [`ldap://127.0.0.1:${proxy.port}`], timeoutMs: 300 })]);
        const started = Date.now();
        const error = await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never));
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(proxy.stalled).toBe(1);
        expect(error).toMatchObject({ code: 'CW_DIRECTORY_UNREACHABLE', details: { attempts: [{ phase: 'search', failure: 'timeout' }] } });
        expect(error.message).toContain('did not answer the search within 300 ms');
        await m.close();
      } finally {
        await proxy.close();
      }
    });

    it('LDAPS to a server that never answers times out the connect', async () => {
      const m = await mapper([ldap({ urls: [`ldaps://127.0.0.1:${silent.port}`], connectTimeoutMs: 300, tls: { ca: slapd.certificates.caFile } })]);
      const started = Date.now();
      const error = await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toMatchObject({ code: 'CW_DIRECTORY_UNREACHABLE', details: { attempts: [{ phase: 'connect', failure: 'timeout' }] } });
      await m.close();
    });

    it('StartTLS to a server that never answers times out', async () => {
      const m = await mapper([ldap({ urls: [`ldap://127.0.0.1:${silent.port}`], startTls: true, timeoutMs: 300, tls: { ca: slapd.certificates.caFile } })]);
      expect(await failure(m.map({ userPrincipalName: 'ada@contoso.com' }, never))).toMatchObject({
        code: 'CW_DIRECTORY_UNREACHABLE',
        details: { attempts: [{ phase: 'StartTLS', failure: 'timeout' }] },
      });
      await m.close();
    });

    it('a cancelled job stops the lookup at once and closes the connection', async () => {
      await vi.waitFor(() => expect(silent.open).toBe(0)); // the earlier tests' connections are closed too
      const m = await mapper([ldap({ urls: [`ldap://127.0.0.1:${silent.port}`], timeoutMs: 30_000 })]);
      const accepted = silent.accepted;
      const controller = new AbortController();
      const pending = failure(m.map({ userPrincipalName: 'ada@contoso.com' }, controller.signal));
      await vi.waitFor(() => expect(silent.accepted).toBe(accepted + 1));
      const started = Date.now();
      controller.abort(new CausewayError('CW_JOB_CANCELLED', 'the job was cancelled'));
      const error = await pending;
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error).toMatchObject({ code: 'CW_JOB_CANCELLED' });
      await vi.waitFor(() => expect(silent.open).toBe(0));
      await m.close();
    });

    it('a stopped server is CW_DIRECTORY_UNREACHABLE; once it is back, lookups work again', async () => {
      const own = await startSlapd({ binaries: binaries!, suffix, entries });
      try {
        const m = await mapper([{ kind: 'ldap', urls: [own.url], bindDn: serviceDn, bindPasswordFile: passwordFile, baseDn: suffix }]);
        expect((await m.map({ userPrincipalName: 'ada@contoso.com' }, never)).account).toBe('alovelace');
        await own.stop();
        expect(await failure(m.map({ userPrincipalName: 'grace@contoso.com' }, never))).toMatchObject({
          code: 'CW_DIRECTORY_UNREACHABLE',
          details: { attempts: [{ failure: 'refused' }] },
        });
        await own.start();
        expect((await m.map({ userPrincipalName: 'grace@contoso.com' }, never)).account).toBe('ghopper');
        await m.close();
      } finally {
        await own.destroy();
      }
    });
  });
});
