import type { MappedUser } from '@causeway/user-mapping';
import { describe, expect, it } from 'vitest';
import { toKerberosPrincipal } from './toKerberosPrincipal.js';

const user = (account: Partial<MappedUser>): MappedUser => ({ upn: 'alice@contoso.com', source: 'rule', rule: 0, account: 'alice', localName: 'alice', format: 'name', ...account });

describe('toKerberosPrincipal', () => {
  it('keeps the realm of a name@REALM account', () => {
    expect(toKerberosPrincipal(user({ account: 'alice@CONTOSO.LOCAL', domain: 'CONTOSO.LOCAL', format: 'upn' }), 'OTHER.TEST')).toBe('alice@CONTOSO.LOCAL');
  });

  it("puts a bare name in the gateway's realm", () => {
    expect(toKerberosPrincipal(user({}), 'CAUSEWAY.TEST')).toBe('alice@CAUSEWAY.TEST');
  });

  it('refuses a down-level account with CW_USER_UNKNOWN, saying what to configure', () => {
    expect(() => toKerberosPrincipal(user({ account: 'CONTOSO\\alice', domain: 'CONTOSO', format: 'down-level' }), 'R')).toThrow(
      expect.objectContaining({ code: 'CW_USER_UNKNOWN', message: expect.stringContaining('{user}@REALM') }),
    );
  });

  it.each(['-e', 'a/b', 'a b', 'a\u00e9'])('refuses the name %j', (localName) => {
    expect(() => toKerberosPrincipal(user({ localName, account: localName }), 'R')).toThrow(expect.objectContaining({ code: 'CW_USER_UNKNOWN' }));
  });
});
