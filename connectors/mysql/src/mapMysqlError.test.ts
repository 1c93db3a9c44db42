import { ConnectorError } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { isMysqlAuthFailure, isServerError, isSessionLost, mapMysqlError, type MysqlErrorContext } from './mapMysqlError.js';

const context = (phase: MysqlErrorContext['phase'], product?: string): MysqlErrorContext => ({ phase, host: 'db.local', port: 3306, database: 'sales', user: 'ada', product, connectTimeoutMs: 5000 });

function serverError(errno: number, sqlState: string, message: string, code?: string): Error {
  return Object.assign(new Error(message), { errno, sqlState, sqlMessage: message, code });
}

function networkError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code, errno: -1, syscall: 'connect', fatal: true });
}

describe('mapMysqlError', () => {
  it('maps a refused login to CW_AUTH_DENIED with the error number, naming the user and never the password', () => {
    const error = mapMysqlError(serverError(1045, '28000', "Access denied for user 'ada'@'10.0.0.9' (using password: YES)", 'ER_ACCESS_DENIED_ERROR'), context('connect'));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '1045', details: { sqlState: '28000', errorName: 'ER_ACCESS_DENIED_ERROR' } });
    expect(error.message).toContain('"ada"');
    expect(error.message).toContain('db.local:3306 (database "sales")');
    expect(isMysqlAuthFailure(serverError(1045, '28000', 'x'))).toBe(true);
  });

  it('treats no access to the database (1044) as refused credentials, and an unknown database (1049) as a failed connect', () => {
    expect(mapMysqlError(serverError(1044, '42000', "Access denied for user 'ada'@'%' to database 'sales'"), context('connect'))).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '1044' });
    expect(isMysqlAuthFailure(serverError(1044, '42000', 'x'))).toBe(true);
    expect(mapMysqlError(serverError(1049, '42000', "Unknown database 'sales'"), context('connect'))).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: '1049' });
    expect(isMysqlAuthFailure(serverError(1049, '42000', 'x'))).toBe(false);
  });

  it("maps a statement error to CW_QUERY_FAILED with the server's number, SQLSTATE and message", () => {
    const error = mapMysqlError(serverError(1146, '42S02', "Table 'sales.nope' doesn't exist", 'ER_NO_SUCH_TABLE'), context('query', 'MariaDB'));
    expect(error).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '1146', details: { sqlState: '42S02' } });
    expect(error.message).toBe("MariaDB error 1146 (42S02): Table 'sales.nope' doesn't exist");
  });

  it('maps a session the server ended, or a network failure, during a query to CW_CONNECTION_LOST', () => {
    expect(mapMysqlError(serverError(1927, '70100', 'Connection was killed'), context('query'))).toMatchObject({ code: 'CW_CONNECTION_LOST', serverCode: '1927' });
    expect(mapMysqlError(networkError('ECONNRESET', 'read ECONNRESET'), context('query'))).toMatchObject({ code: 'CW_CONNECTION_LOST' });
    expect(mapMysqlError(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), context('query'))).toMatchObject({
      code: 'CW_CONNECTION_LOST',
    });
    expect(isSessionLost(serverError(1146, '42S02', 'x'))).toBe(false);
  });

  it('classifies connect failures through the SDK', () => {
    expect(mapMysqlError(networkError('ENOTFOUND'), context('connect'))).toMatchObject({ code: 'CW_HOST_NOT_FOUND' });
    expect(mapMysqlError(networkError('ECONNREFUSED'), context('connect'))).toMatchObject({ code: 'CW_CONNECT_REFUSED', message: expect.stringContaining('db.local:3306') });
    expect(mapMysqlError(networkError('ETIMEDOUT', 'connect ETIMEDOUT'), context('connect'))).toMatchObject({ code: 'CW_CONNECT_TIMEOUT', message: expect.stringContaining('5000 ms') });
    expect(mapMysqlError(Object.assign(new Error('Server does not support secure connection'), { code: 'HANDSHAKE_NO_SSL_SUPPORT', fatal: true }), context('connect'))).toMatchObject({
      code: 'CW_TLS_FAILED',
    });
  });

  it('passes coded errors through and wraps anything else as CW_QUERY_FAILED', () => {
    const coded = new ConnectorError('CW_JOB_CANCELLED', 'stop');
    expect(mapMysqlError(coded, context('query'))).toBe(coded);
    expect(mapMysqlError(new TypeError('Bind parameters must not contain undefined'), context('query'))).toMatchObject({ code: 'CW_QUERY_FAILED' });
    expect(isServerError(new Error('plain'))).toBe(false);
    expect(isServerError(networkError('ECONNRESET'))).toBe(false);
  });
});
