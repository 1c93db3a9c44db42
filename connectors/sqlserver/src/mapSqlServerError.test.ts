import { describe, expect, it } from 'vitest';
import { isLoginRefused, LoginFailure, mapSqlServerError, serverMessages, type SqlServerErrorContext } from './mapSqlServerError.js';

const connect: SqlServerErrorContext = { phase: 'connect', where: 'db.local:1433', database: 'sales', user: 'user "ada"', connectTimeoutMs: 5000, requestTimeoutMs: 2500 };
const query: SqlServerErrorContext = { ...connect, phase: 'query' };

function tediousError(message: string, code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code }, extra);
}

describe('mapSqlServerError', () => {
  it('maps login failed 18456 to CW_AUTH_DENIED with the number, naming user, server and database', () => {
    const failure = new LoginFailure(tediousError("Login failed for user 'ada'.", 'ELOGIN'), [{ number: 18456, state: 1, class: 14, message: "Login failed for user 'ada'." }]);
    const error = mapSqlServerError(failure, connect);
    expect(error).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '18456', details: { state: 1, class: 14, serverCode: '18456' } });
    expect(error.message).toBe(`login failed for user "ada" on SQL Server at db.local:1433 (database "sales"): Login failed for user 'ada'.`);
    expect(isLoginRefused(failure)).toBe(true);
  });

  it('names the missing database (4060) rather than the login failure that follows it', () => {
    const failure = new LoginFailure(tediousError('x', 'ELOGIN'), [
      { number: 4060, state: 1, class: 11, message: 'Cannot open database "nope" requested by the login. The login failed.' },
      { number: 18456, state: 1, class: 14, message: "Login failed for user 'ada'." },
    ]);
    expect(mapSqlServerError(failure, connect)).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '4060', message: expect.stringContaining('Cannot open database') });
  });

  it('classifies network failures through the SDK: tedious wraps them in ESOCKET with a cause', () => {
    const refused = new LoginFailure(tediousError('Failed to connect', 'ESOCKET', { cause: new AggregateError([tediousError('connect ECONNREFUSED', 'ECONNREFUSED')], 'Could not connect (sequence)') }), []);
    expect(mapSqlServerError(refused, connect)).toMatchObject({ code: 'CW_CONNECT_REFUSED', message: expect.stringContaining('db.local:1433') });
    const unknownHost = new LoginFailure(tediousError('Failed to connect', 'ESOCKET', { cause: tediousError('getaddrinfo ENOTFOUND db.local', 'ENOTFOUND') }), []);
    expect(mapSqlServerError(unknownHost, connect).code).toBe('CW_HOST_NOT_FOUND');
    const tls = new LoginFailure(tediousError('Failed to connect', 'ESOCKET', { cause: tediousError('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT') }), []);
    expect(mapSqlServerError(tls, connect).code).toBe('CW_TLS_FAILED');
    expect(mapSqlServerError(new LoginFailure(tediousError('Failed to connect to db.local:1433 in 5000ms', 'ETIMEOUT'), []), connect)).toMatchObject({ code: 'CW_CONNECT_TIMEOUT', message: expect.stringContaining('5000 ms') });
    expect(mapSqlServerError(new LoginFailure(tediousError("Server requires encryption, set 'encrypt' config option to true.", 'EENCRYPT'), []), connect).code).toBe('CW_TLS_FAILED');
    expect(mapSqlServerError(new LoginFailure(tediousError('Login failed.', 'ELOGIN'), []), connect).code).toBe('CW_AUTH_DENIED');
  });

  it('maps SQL errors to CW_QUERY_FAILED with the number as serverCode and state, class and line in details', () => {
    const error = mapSqlServerError(tediousError("Invalid object name 'x'.", 'EREQUEST', { number: 208, state: 1, class: 16, lineNumber: 1 }), query);
    expect(error).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '208', details: { state: 1, class: 16, lineNumber: 1 } });
    expect(error.message).toBe("SQL Server error 208 (state 1, class 16, line 1): Invalid object name 'x'.");
  });

  it('takes the first of several errors and keeps all of them in details', () => {
    const aggregate = new AggregateError([
      tediousError('first', 'EREQUEST', { number: 8114, state: 5, class: 16 }),
      tediousError('second', 'EREQUEST', { number: 8115, state: 2, class: 16 }),
    ]);
    expect(serverMessages(aggregate).map((m) => m.number)).toEqual([8114, 8115]);
    expect(mapSqlServerError(aggregate, query)).toMatchObject({ serverCode: '8114', details: { messages: [{ number: 8114 }, { number: 8115 }] } });
  });

  it('treats severity 20 and above, closed sockets and resets as a lost connection', () => {
    expect(mapSqlServerError(tediousError('fatal', 'EREQUEST', { number: 596, state: 1, class: 21 }), query)).toMatchObject({ code: 'CW_CONNECTION_LOST', serverCode: '596' });
    expect(mapSqlServerError(tediousError('Connection closed before request completed.', 'ECLOSE'), query).code).toBe('CW_CONNECTION_LOST');
    expect(mapSqlServerError(tediousError('socket hang up', 'ECONNRESET'), query).code).toBe('CW_CONNECTION_LOST');
  });

  it("maps tedious's own request timeout to CW_QUERY_TIMEOUT and anything else to CW_QUERY_FAILED", () => {
    expect(mapSqlServerError(tediousError('Timeout: Request failed to complete in 2500ms', 'ETIMEOUT'), query)).toMatchObject({ code: 'CW_QUERY_TIMEOUT', message: expect.stringContaining('2500 ms') });
    expect(mapSqlServerError(new Error('odd'), query)).toMatchObject({ code: 'CW_QUERY_FAILED', message: 'the SQL Server query on db.local:1433 failed: odd' });
  });

  it('leaves coded errors alone', () => {
    const coded = Object.assign(new Error('x'), { code: 'CW_JOB_CANCELLED' });
    expect(mapSqlServerError(coded, query)).toBe(coded);
  });
});
