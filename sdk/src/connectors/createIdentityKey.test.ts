import { describe, expect, it } from 'vitest';
import { createIdentityKey } from './createIdentityKey.js';

const identity = (username: string, password: string) => ({ kind: 'password' as const, username, password });

describe('createIdentityKey', () => {
  it('gives one identity one key and a changed password another', () => {
    const key = createIdentityKey();
    expect(key(identity('ada', 'pw1'))).toBe(key(identity('ada', 'pw1')));
    expect(key(identity('ada', 'pw1'))).not.toBe(key(identity('ada', 'pw2')));
    expect(key(identity('ada', 'pw1'))).not.toBe(key(identity('bob', 'pw1')));
  });

  it('does not confuse where the user name ends and the password begins', () => {
    const key = createIdentityKey();
    expect(key(identity('ab', 'c'))).not.toBe(key(identity('a', 'bc')));
  });

  it('keeps identities of different kinds and effective users apart', () => {
    const key = createIdentityKey();
    const service = identity('svc', 'pw');
    expect(key({ kind: 'effective-user', service, effectiveUserName: 'ada' })).not.toBe(key({ kind: 'effective-user', service, effectiveUserName: 'bob' }));
    expect(key({ kind: 'access-token', token: 'x' })).not.toBe(key({ kind: 'saml', assertion: 'x' }));
  });

  it('neither contains the secret nor matches across data sources', () => {
    const password = 'correct-horse-battery-staple';
    const first = createIdentityKey()(identity('ada', password));
    expect(first).not.toContain(password);
    expect(createIdentityKey()(identity('ada', password))).not.toBe(first);
  });
});
