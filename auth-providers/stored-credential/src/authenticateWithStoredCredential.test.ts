import { describe, expect, it } from 'vitest';
import { authenticateWithStoredCredential } from './authenticateWithStoredCredential.js';

const base = { dataSourceId: 'sales', identity: {}, accepts: ['password'] as const, signal: new AbortController().signal };

describe('authenticateWithStoredCredential', () => {
  it('uses username and password from the secret', () => {
    expect(authenticateWithStoredCredential({ ...base, settings: {}, secret: { username: 'ada', password: 'pw' } })).toEqual({ kind: 'password', username: 'ada', password: 'pw' });
  });

  it('takes the username from the settings when the secret holds only a password', () => {
    expect(authenticateWithStoredCredential({ ...base, settings: { username: 'svc' }, secret: { password: 'pw' } }).username).toBe('svc');
  });

  it.each([
    ['no secret', undefined, {}, /has no stored credential/],
    ['no username anywhere', { password: 'pw' }, {}, /has no username/],
    ['no password', { username: 'ada' }, {}, /has no password/],
  ])('refuses %s with CW_CREDENTIALS_MISSING', (_name, secret, settings, message) => {
    let caught: unknown;
    try {
      authenticateWithStoredCredential({ ...base, settings, secret });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CW_CREDENTIALS_MISSING', message: expect.stringMatching(message) });
  });
});
