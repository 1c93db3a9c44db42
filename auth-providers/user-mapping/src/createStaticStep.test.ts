import { describe, expect, it } from 'vitest';
import { createStaticStep } from './createStaticStep.js';

const never = new AbortController().signal;

describe('createStaticStep', () => {
  describe('table', () => {
    const step = createStaticStep({ kind: 'table', name: 'vip', accounts: { 'Ada@Contoso.com': 'CONTOSO\\ada', 'zoë@contoso.com': 'zoe@CONTOSO.LOCAL' } }, 3);

    it('matches UPNs case-insensitively and keeps the UPN as given', async () => {
      expect(await step.map('ADA@contoso.COM', never)).toEqual({
        user: { upn: 'ADA@contoso.COM', account: 'CONTOSO\\ada', localName: 'ada', domain: 'CONTOSO', format: 'down-level', source: 'rule', rule: 3, ruleName: 'vip' },
      });
    });

    it('matches composed and decomposed forms alike', async () => {
      expect(await step.map('ZOE\u0308@CONTOSO.COM', never)).toMatchObject({ user: { account: 'zoe@CONTOSO.LOCAL' } });
    });

    it('misses UPNs not in the table', async () => {
      expect(await step.map('bob@contoso.com', never)).toEqual({ miss: 'not in the table' });
      expect(step.label).toBe('rule 3 (table "vip")');
    });
  });

  describe('domain', () => {
    it('replaces a domain suffix with a realm', async () => {
      const step = createStaticStep({ kind: 'domain', from: '@contoso.com', account: '{user}@CONTOSO.LOCAL' }, 0);
      expect(await step.map('Ada@Contoso.Com', never)).toMatchObject({ user: { account: 'Ada@CONTOSO.LOCAL', localName: 'Ada', domain: 'CONTOSO.LOCAL', format: 'upn', source: 'rule' } });
      expect(await step.map('ada@contoso.com.evil.org', never)).toEqual({ miss: 'domain is not contoso.com' });
      expect(await step.map('ada@sub.contoso.com', never)).toEqual({ miss: 'domain is not contoso.com' });
      expect(await step.map('no-at-sign', never)).toEqual({ miss: 'not of the form user@domain' });
    });

    it('maps to a down-level name', async () => {
      const step = createStaticStep({ kind: 'domain', from: 'contoso.com', account: 'CONTOSO\\{user}' }, 0);
      expect(await step.map('ada@contoso.com', never)).toMatchObject({ user: { account: 'CONTOSO\\ada', domain: 'CONTOSO', format: 'down-level' } });
      // A down-level name cannot hold an @: the user part "a@b" makes no account.
      expect(await step.map('a@b@contoso.com', never)).toMatchObject({ miss: expect.stringContaining('does not make a valid account') });
    });

    it('with from "*" strips any domain', async () => {
      const step = createStaticStep({ kind: 'domain', from: '*', account: '{user}' }, 0);
      expect(await step.map('ada@fabrikam.com', never)).toMatchObject({ user: { account: 'ada', format: 'name' } });
    });
  });

  describe('identity', () => {
    it('uses the UPN unchanged', async () => {
      const step = createStaticStep({ kind: 'identity' }, 1);
      expect(await step.map('Ada@contoso.com', never)).toMatchObject({ user: { account: 'Ada@contoso.com', localName: 'Ada', domain: 'contoso.com', format: 'upn', source: 'identity', rule: 1 } });
    });

    it('only for the listed domains', async () => {
      const step = createStaticStep({ kind: 'identity', domains: ['@Contoso.com'] }, 1);
      expect(await step.map('ada@CONTOSO.COM', never)).toMatchObject({ user: { source: 'identity' } });
      expect(await step.map('ada@fabrikam.com', never)).toEqual({ miss: 'domain is not one of contoso.com' });
    });
  });
});
