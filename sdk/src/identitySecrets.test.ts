import { describe, expect, it } from 'vitest';
import { identitySecrets } from './identitySecrets.js';

describe('identitySecrets', () => {
  it('names the secret of each identity kind, and none for a Kerberos identity', () => {
    expect(identitySecrets({ kind: 'password', username: 'ada', password: 'pw-1' })).toEqual(['pw-1']);
    expect(identitySecrets({ kind: 'access-token', token: 'eyJ.tok' })).toEqual(['eyJ.tok']);
    expect(identitySecrets({ kind: 'saml', assertion: '<a/>' })).toEqual(['<a/>']);
    expect(identitySecrets({ kind: 'effective-user', service: { kind: 'password', username: 'svc', password: 'svc-pw' }, effectiveUserName: 'ada' })).toEqual(['svc-pw']);
    expect(identitySecrets({ kind: 'kerberos', principal: 'ada@R', spn: 'x/y', credentialCache: 'DIR:/c', createGssContext: () => Promise.reject(new Error('unused')) })).toEqual([]);
  });
});
