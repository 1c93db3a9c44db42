import { AuthError, CausewayError, ConnectorError } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { secretStrings, toFrameError } from './toFrameError.js';

describe('toFrameError', () => {
  it('keeps the code and message of a coded error', () => {
    expect(toFrameError(new AuthError('CW_AUTH_DENIED', 'the data source refused user "reader"'), [])).toEqual({
      code: 'CW_AUTH_DENIED',
      message: 'the data source refused user "reader"',
    });
  });

  it('scrubs every secret value out of the message', () => {
    const secret = { username: 'reader', password: 'hunter2-Very-Secret' };
    const error = new ConnectorError('CW_AUTH_DENIED', 'password "hunter2-Very-Secret" for reader rejected (hunter2-Very-Secret)');
    const frame = toFrameError(error, secretStrings(secret));
    // The user name is not a secret: the person reading the error needs it.
    expect(frame.message).toBe('password "[redacted]" for reader rejected ([redacted])');
    expect(frame.message).not.toContain('hunter2');
  });

  it('scrubs a longer secret whole even when a shorter one is inside it', () => {
    const frame = toFrameError(new CausewayError('CW_QUERY_FAILED', 'bad token pass-word-123456'), ['pass', 'pass-word-123456']);
    expect(frame.message).toBe('bad token [redacted]');
  });

  it('leaves values shorter than 4 characters (they would blank out ordinary words)', () => {
    expect(toFrameError(new CausewayError('CW_QUERY_FAILED', 'relation "abc" does not exist'), ['abc']).message).toBe('relation "abc" does not exist');
  });

  it('turns an uncoded error into CW_INTERNAL without its detail', () => {
    for (const thrown of [new Error('password=hunter2 at /srv/app.js:12'), 'a string', undefined, { code: 'ECONNRESET' }]) {
      expect(toFrameError(thrown, [])).toEqual({ code: 'CW_INTERNAL', message: 'internal error; see the gateway log' });
    }
  });

  it('carries the server code of a connector error', () => {
    const error = new ConnectorError('CW_QUERY_FAILED', 'relation "nope" does not exist', { serverCode: '42P01', details: { position: 15 } });
    expect(toFrameError(error, [])).toEqual({ code: 'CW_QUERY_FAILED', message: 'relation "nope" does not exist', details: { serverCode: '42P01' } });
  });

  it('accepts a coded error from another copy of the SDK', () => {
    const foreign = Object.assign(new Error('timed out'), { code: 'CW_QUERY_TIMEOUT' });
    expect(toFrameError(foreign, [])).toEqual({ code: 'CW_QUERY_TIMEOUT', message: 'timed out' });
  });
});

describe('secretStrings', () => {
  it('takes the string values, except the ones that name a user', () => {
    expect(secretStrings({ username: 'u', User: 'v', domain: 'd', password: 'p', token: 't', port: 5432, nested: { x: 'y' } })).toEqual(['p', 't']);
    expect(secretStrings(undefined)).toEqual([]);
  });
});
