import { BusyError, InvalidCredentialsError, NoSuchObjectError, SizeLimitExceededError, UnavailableError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { classifyDirectoryError, ldapResultName } from './classifyDirectoryError.js';

const nodeError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifyDirectoryError', () => {
  it('reads LDAP result codes and the server diagnostic', () => {
    expect(classifyDirectoryError(new InvalidCredentialsError('80090308: LdapErr: DSID-0C090447, data 52e'))).toEqual({
      kind: 'result',
      resultCode: 49,
      resultName: 'invalidCredentials (49)',
      diagnostic: '80090308: LdapErr: DSID-0C090447, data 52e',
    });
    expect(classifyDirectoryError(new NoSuchObjectError(''))).toMatchObject({ kind: 'result', resultCode: 32, diagnostic: '' });
    expect(classifyDirectoryError(new SizeLimitExceededError('x'))).toMatchObject({ kind: 'result', resultCode: 4 });
  });

  it('treats busy and unavailable servers as network failures (the next URL may do)', () => {
    expect(classifyDirectoryError(new BusyError('try later'))).toMatchObject({ kind: 'network', failure: 'unavailable', detail: 'busy (51): try later' });
    expect(classifyDirectoryError(new UnavailableError(''))).toMatchObject({ kind: 'network', failure: 'unavailable', detail: 'unavailable (52)' });
  });

  it.each([
    [nodeError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), 'refused'],
    [nodeError('getaddrinfo ENOTFOUND dc9', 'ENOTFOUND'), 'host-not-found'],
    [nodeError('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
    [nodeError("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [nodeError('TLS handshake not finished within 5 ms', 'ETIMEDOUT'), 'timeout'],
    [new Error('Connection timeout'), 'timeout'],
    [new Error('BindRequest: Operation timed out'), 'timeout'],
    [new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)'), 'lost'],
    [new Error('Socket error. Message type: BindRequest (0x60)\nread ECONNRESET'), 'lost'],
  ])('classifies %s as %s', (error, failure) => {
    expect(classifyDirectoryError(error)).toMatchObject({ kind: 'network', failure });
  });

  it('leaves anything else as "other"', () => {
    expect(classifyDirectoryError(new Error('Invalid attribute name'))).toEqual({ kind: 'other', detail: 'Invalid attribute name' });
  });

  it('names result codes', () => {
    expect(ldapResultName(53)).toBe('unwillingToPerform (53)');
    expect(ldapResultName(999)).toBe('result (999)');
  });
});
