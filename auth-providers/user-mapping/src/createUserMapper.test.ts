// The mapping pipeline with static rules, and what createUserMapper checks before it returns. The
// LDAP lookups against a real slapd are in createUserMapper.ldap.test.ts.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CausewayError, type Logger } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSilentServer } from '../../../test/support/slapd/startSilentServer.js';
import { createUserMapper } from './createUserMapper.js';
import type { UserMappingConfig } from './userMappingConfig.js';

function recordingLogger(lines: string[], bindings: Record<string, unknown> = {}): Logger {
  const write =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push(JSON.stringify({ level, ...bindings, ...(typeof obj === 'string' ? { msg: obj } : { ...obj, msg }) }));
    };
  return { trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (b) => recordingLogger(lines, { ...bindings, ...b }) };
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
const ldap = { kind: 'ldap' as const, urls: ['ldap://127.0.0.1:1'], baseDn: 'dc=contoso,dc=local' };

describe('createUserMapper: static rules', () => {
  const logs: string[] = [];
  const config: UserMappingConfig = {
    rules: [
      { kind: 'table', name: 'exceptions', accounts: { 'ceo@contoso.com': 'CONTOSO\\boss' } },
      { kind: 'domain', from: 'contoso.com', account: '{user}@CONTOSO.LOCAL' },
      { kind: 'domain', from: 'fabrikam.com', account: 'FABRIKAM\\{user}' },
      { kind: 'identity', domains: ['partner.org'] },
    ],
  };

  it('takes the first rule that maps the user', async () => {
    const mapper = await createUserMapper(config, { logger: recordingLogger(logs) });
    expect(await mapper.map({ userPrincipalName: 'CEO@contoso.com' }, never)).toMatchObject({ account: 'CONTOSO\\boss', source: 'rule', rule: 0, ruleName: 'exceptions' });
    expect(await mapper.map({ userPrincipalName: 'ada@contoso.com' }, never)).toMatchObject({ account: 'ada@CONTOSO.LOCAL', rule: 1 });
    expect(await mapper.map({ userPrincipalName: 'bob@Fabrikam.com' }, never)).toMatchObject({ account: 'FABRIKAM\\bob', rule: 2 });
    expect(await mapper.map({ userPrincipalName: 'eve@partner.org' }, never)).toMatchObject({ account: 'eve@partner.org', source: 'identity', rule: 3 });
    expect(logs.some((l) => l.includes('"msg":"mapped user"') && l.includes('"account":"ada@CONTOSO.LOCAL"'))).toBe(true);
  });

  it('an unmapped user is CW_USER_UNKNOWN saying why each rule did not map it', async () => {
    const mapper = await createUserMapper(config, { logger: recordingLogger(logs) });
    const error = await failure(mapper.map({ userPrincipalName: 'mallory@evil.example' }, never));
    expect(error).toMatchObject({ name: 'AuthError', code: 'CW_USER_UNKNOWN', details: { upn: 'mallory@evil.example' } });
    expect(error.message).toBe(
      'user "mallory@evil.example" maps to no local account (rule 0 (table "exceptions"): not in the table; rule 1 (domain): domain is not contoso.com; ' +
        'rule 2 (domain): domain is not fabrikam.com; rule 3 (identity): domain is not one of partner.org)',
    );
  });

  it('a job without a UPN is CW_CREDENTIALS_MISSING', async () => {
    const mapper = await createUserMapper(config, { logger: recordingLogger(logs) });
    expect(await failure(mapper.map({}, never))).toMatchObject({ code: 'CW_CREDENTIALS_MISSING' });
    expect(await failure(mapper.map({ userPrincipalName: '' }, never))).toMatchObject({ code: 'CW_CREDENTIALS_MISSING' });
  });

  it('an absurdly long UPN is refused without being echoed', async () => {
    const mapper = await createUserMapper({ rules: [{ kind: 'identity' }] }, { logger: recordingLogger(logs) });
    const error = await failure(mapper.map({ userPrincipalName: `${'a'.repeat(2000)}@contoso.com` }, never));
    expect(error).toMatchObject({ code: 'CW_USER_UNKNOWN' });
    expect(error.message.length).toBeLessThan(200);
  });

  it('shows control characters in a UPN as escapes in messages', async () => {
    const mapper = await createUserMapper({ rules: [{ kind: 'table', accounts: { 'a@b.c': 'a' } }] }, { logger: recordingLogger(logs) });
    expect((await failure(mapper.map({ userPrincipalName: 'x\u0000@b.c' }, never))).message).toContain('"x\\u0000@b.c"');
  });

  it("an aborted job fails with the signal's coded reason", async () => {
    const mapper = await createUserMapper(config, { logger: recordingLogger(logs) });
    const controller = new AbortController();
    controller.abort(new CausewayError('CW_QUERY_TIMEOUT', 'the job ran past its deadline'));
    expect(await failure(mapper.map({ userPrincipalName: 'ada@contoso.com' }, controller.signal))).toMatchObject({ code: 'CW_QUERY_TIMEOUT' });
  });

  it('verify() has nothing to check without LDAP rules', async () => {
    const mapper = await createUserMapper(config, { logger: recordingLogger(logs) });
    expect(await mapper.verify(never)).toEqual([]);
  });
});

describe('createUserMapper: config checks at creation', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'causeway-user-mapping-config-'));
    await mkdir(join(dir, 'conf'));
    await writeFile(join(dir, 'conf', 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    await writeFile(join(dir, 'conf', 'not-a-cert.pem'), 'hello');
    await writeFile(join(dir, 'conf', 'empty.password'), '\n');
    await writeFile(join(dir, 'conf', 'ok.password'), 'pw-SECRET-file\n');
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const create = (config: unknown, extra: Record<string, unknown> = {}) =>
    createUserMapper(config as UserMappingConfig, { logger: recordingLogger([]), baseDir: join(dir, 'conf'), configPointer: '/dataSources/hr/auth/settings/userMapping', configFile: 'gateway.config.json', ...extra });

  it('refuses an invalid config with CW_CONFIG_INVALID at the embedded pointer', async () => {
    const error = await failure(create({ rules: [{ kind: 'domain', from: 'contoso.com', account: 'nobody' }] }));
    expect(error).toMatchObject({ code: 'CW_CONFIG_INVALID', location: { file: 'gateway.config.json', pointer: '/dataSources/hr/auth/settings/userMapping/rules/0/account' } });
  });

  it('reads CA and password files relative to baseDir', async () => {
    const mapper = await create({ rules: [{ ...ldap, tls: { ca: 'ca.pem' }, bindDn: 'cn=svc', bindPasswordFile: 'ok.password' }] });
    await mapper.close();
  });

  it.each([
    ['a missing CA file', { tls: { ca: 'nope.pem' } }, '/rules/0/tls/ca', /cannot read the CA file .*nope\.pem: ENOENT/],
    ['a CA file without a certificate', { tls: { ca: 'not-a-cert.pem' } }, '/rules/0/tls/ca', /holds no PEM certificate/],
    ['a missing password file', { bindDn: 'cn=svc', bindPasswordFile: 'nope.password' }, '/rules/0/bindPasswordFile', /ENOENT/],
    ['a password file that is a folder', { bindDn: 'cn=svc', bindPasswordFile: '.' }, '/rules/0/bindPasswordFile', /EISDIR/],
    ['an empty password file', { bindDn: 'cn=svc', bindPasswordFile: 'empty.password' }, '/rules/0/bindPasswordFile', /is empty/],
    ['a bind DN without any password', { bindDn: 'cn=svc' }, '/rules/0', /no "bindPasswordFile"/],
    ['a filter ldapts cannot parse', { filter: '(=user)' }, '/rules/0/filter', /is not an LDAP filter/],
  ])('refuses %s', async (_name, extra, pointer, message) => {
    const error = await failure(create({ rules: [{ ...ldap, ...extra }] }));
    expect(error).toMatchObject({ code: 'CW_CONFIG_INVALID', location: { pointer: `/dataSources/hr/auth/settings/userMapping${pointer}` } });
    expect(error.message).toMatch(message);
  });

  it('accepts a bind DN without a password file when the provider supplies the password', async () => {
    const mapper = await create({ rules: [{ ...ldap, bindDn: 'cn=svc' }] }, { bindPassword: () => 'pw' });
    await mapper.close();
  });

  it('never puts a password file content in an error', async () => {
    const error = await failure(create({ rules: [{ ...ldap, bindDn: 'cn=svc', bindPasswordFile: 'ok.password', filter: '(=x)' }] }));
    expect(error.message).not.toContain('pw-SECRET-file');
    expect(JSON.stringify(error)).not.toContain('pw-SECRET-file');
  });
});

describe('createUserMapper: close', () => {
  it('fails a lookup in flight with CW_SHUTTING_DOWN, and later ones too', async () => {
    const silent = await startSilentServer();
    try {
      const mapper = await createUserMapper({ rules: [{ ...ldap, urls: [`ldap://127.0.0.1:${silent.port}`], timeoutMs: 30_000 }] }, { logger: recordingLogger([]) });
      const pending = failure(mapper.map({ userPrincipalName: 'ada@contoso.com' }, never));
      await vi.waitFor(() => expect(silent.accepted).toBe(1));
      await mapper.close();
      expect(await pending).toMatchObject({ code: 'CW_SHUTTING_DOWN' });
      expect(await failure(mapper.map({ userPrincipalName: 'bob@contoso.com' }, never))).toMatchObject({ code: 'CW_SHUTTING_DOWN' });
      await vi.waitFor(() => expect(silent.open).toBe(0));
    } finally {
      await silent.close();
    }
  });
});

describe('createUserMapper: concurrency', () => {
  it('runs at most maxConcurrentLookups lookups at once; the next starts when one ends', async () => {
    const silent = await startSilentServer();
    try {
      const mapper = await createUserMapper(
        { rules: [{ ...ldap, urls: [`ldap://127.0.0.1:${silent.port}`], timeoutMs: 30_000, maxConcurrentLookups: 2 }] },
        { logger: recordingLogger([]) },
      );
      const first = new AbortController();
      const lookups = [
        failure(mapper.map({ userPrincipalName: 'a@contoso.com' }, first.signal)),
        failure(mapper.map({ userPrincipalName: 'b@contoso.com' }, never)),
        failure(mapper.map({ userPrincipalName: 'c@contoso.com' }, never)),
      ];
      await vi.waitFor(() => expect(silent.accepted).toBe(2));
      await new Promise((r) => setTimeout(r, 200));
      expect(silent.accepted).toBe(2); // the third waits for a slot
      first.abort(new CausewayError('CW_JOB_CANCELLED', 'the job was cancelled'));
      expect(await lookups[0]).toMatchObject({ code: 'CW_JOB_CANCELLED' });
      await vi.waitFor(() => expect(silent.accepted).toBe(3));
      await mapper.close();
      expect(await lookups[1]).toMatchObject({ code: 'CW_SHUTTING_DOWN' });
      expect(await lookups[2]).toMatchObject({ code: 'CW_SHUTTING_DOWN' });
    } finally {
      await silent.close();
    }
  });
});
