import { ConnectorError } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { isBreakError, isOracleAuthFailure, isSessionLost, mapOracleError, oracleServerCode, type OracleErrorContext } from './mapOracleError.js';
import { closingServer, refusingListener, silentServer, unusedPort } from './testing/fakeNetwork.js';
import { driverError, oracledb, serverError } from './testing/oracledbInternals.js';

const secret = 'hunter2-secret';

const context = (phase: OracleErrorContext['phase'], overrides: Partial<OracleErrorContext> = {}): OracleErrorContext => ({
  phase,
  host: '127.0.0.1',
  port: 1521,
  serviceName: 'FREEPDB1',
  user: 'scott',
  connectTimeoutMs: 1000,
  ...overrides,
});

async function connectFailure(connectString: string, connectTimeout = 2): Promise<unknown> {
  const real = oracledb as unknown as { getConnection(attrs: object): Promise<{ close(): Promise<void> }> };
  try {
    const connection = await real.getConnection({ user: 'scott', password: secret, connectString, connectTimeout });
    await connection.close();
  } catch (error) {
    return error;
  }
  throw new Error('expected the connect to fail');
}

describe('mapOracleError with the real driver connecting to no Oracle server', () => {
  it('maps a refused TCP connection (NJS-503 ECONNREFUSED) to CW_CONNECT_REFUSED naming host:port', async () => {
    const port = await unusedPort();
    const error = await connectFailure(`127.0.0.1:${port}/FREEPDB1`);
    expect(error).toMatchObject({ code: 'NJS-503', message: expect.stringContaining('ECONNREFUSED') });
    const mapped = mapOracleError(error, context('connect', { port }));
    expect(mapped.code).toBe('CW_CONNECT_REFUSED');
    expect(mapped.message).toContain(`127.0.0.1:${port}`);
    expect(mapped.message).not.toContain(secret);
  });

  it('maps an unresolvable host (NJS-530) to CW_HOST_NOT_FOUND', async () => {
    const error = await connectFailure('cw-no-such-host.invalid:1521/FREEPDB1');
    expect(error).toMatchObject({ code: 'NJS-530' });
    const mapped = mapOracleError(error, context('connect', { host: 'cw-no-such-host.invalid' }));
    expect(mapped.code).toBe('CW_HOST_NOT_FOUND');
    expect(mapped.message).toContain('cw-no-such-host.invalid:1521');
  });

  it('maps a listener that never answers (NJS-510) to CW_CONNECT_TIMEOUT within the connect timeout', async () => {
    const server = await silentServer();
    try {
      const started = Date.now();
      const error = await connectFailure(`127.0.0.1:${server.port}/FREEPDB1`, 1);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toMatchObject({ code: 'NJS-510' });
      const mapped = mapOracleError(error, context('connect', { port: server.port }));
      expect(mapped.code).toBe('CW_CONNECT_TIMEOUT');
      expect(mapped.message).toContain('timed out after 1000 ms');
    } finally {
      await server.close();
    }
  });

  it('maps a connection closed during the handshake (NJS-500) to CW_CONNECT_FAILED', async () => {
    const server = await closingServer();
    try {
      const error = await connectFailure(`127.0.0.1:${server.port}/FREEPDB1`);
      expect(error).toMatchObject({ code: 'NJS-500' });
      const mapped = mapOracleError(error, context('connect', { port: server.port }));
      expect(mapped.code).toBe('CW_CONNECT_FAILED');
      expect(mapped.message).toContain(`127.0.0.1:${server.port}`);
    } finally {
      await server.close();
    }
  });

  it('maps a listener refusing an unknown service (ORA-12514 as NJS-518) to CW_CONNECT_FAILED with the ORA code', async () => {
    const listener = await refusingListener(12514);
    try {
      const error = await connectFailure(`127.0.0.1:${listener.port}/NO_SUCH_SERVICE`);
      expect(error).toMatchObject({ code: 'NJS-518' });
      const mapped = mapOracleError(error, context('connect', { port: listener.port, serviceName: 'NO_SUCH_SERVICE' }));
      expect(mapped).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: 'ORA-12514' });
      expect(mapped.message).toContain('"NO_SUCH_SERVICE" is not registered with the listener');
      expect(mapped.message).toContain('as "scott"');
    } finally {
      await listener.close();
    }
  });

  it('maps another listener refusal (NJS-511 carrying ORA-12520) to CW_CONNECT_FAILED with that code', async () => {
    const listener = await refusingListener(12520);
    try {
      const error = await connectFailure(`127.0.0.1:${listener.port}/FREEPDB1`);
      expect(error).toMatchObject({ code: 'NJS-511' });
      expect(mapOracleError(error, context('connect', { port: listener.port }))).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: 'ORA-12520' });
    } finally {
      await listener.close();
    }
  });
});

describe('mapOracleError with errors built by the driver', () => {
  it('maps a refused logon (ORA-01017) to CW_AUTH_DENIED naming the user and never the password', () => {
    const error = serverError(1017, 'invalid credential or not authorized; logon denied');
    expect(error).toMatchObject({ code: 'ORA-01017', errorNum: 1017 });
    const mapped = mapOracleError(error, context('connect'));
    expect(mapped).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: 'ORA-01017' });
    expect(mapped.message).toBe('Oracle at 127.0.0.1:1521 (service "FREEPDB1") refused the logon of user "scott": invalid credential or not authorized; logon denied');
    expect(isOracleAuthFailure(error)).toBe(true);
    expect(isOracleAuthFailure(serverError(28000, 'The account is locked.'))).toBe(true);
    expect(isOracleAuthFailure(serverError(942, 'table or view does not exist'))).toBe(false);
  });

  it('maps a query error to CW_QUERY_FAILED with the ORA code, the server message and the offset', () => {
    const error = serverError(942, 'table or view "SCOTT"."NOPE" does not exist', 14);
    const mapped = mapOracleError(error, context('query'));
    expect(mapped).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: 'ORA-00942', details: { offset: 14, serverCode: 'ORA-00942' } });
    expect(mapped.message).toBe('Oracle error ORA-00942 at offset 14: table or view "SCOTT"."NOPE" does not exist');
    expect(mapped.message).not.toContain('Help:');
  });

  it('maps a session that died mid-query (ORA-03113 wrapped in NJS-500) to CW_CONNECTION_LOST', () => {
    const error = serverError(3113, 'end-of-file on communication channel');
    expect(error.code).toBe('NJS-500');
    expect(oracleServerCode(error)).toBe('ORA-03113');
    expect(isSessionLost(error)).toBe(true);
    const mapped = mapOracleError(error, context('query'));
    expect(mapped).toMatchObject({ code: 'CW_CONNECTION_LOST', serverCode: 'ORA-03113' });
    expect(mapped.message).toContain('lost the connection to Oracle at 127.0.0.1:1521 during the query');
    const closed = driverError(500);
    expect(mapOracleError(closed, context('query'))).toMatchObject({ code: 'CW_CONNECTION_LOST', serverCode: 'NJS-500' });
    expect(isSessionLost(serverError(28, 'your session has been killed'))).toBe(true);
    expect(isSessionLost(serverError(1476, 'divisor is equal to zero'))).toBe(false);
  });

  it("maps the driver's call timeout (NJS-123) to CW_QUERY_TIMEOUT", () => {
    const error = driverError(123, 5000);
    expect(error.code).toBe('NJS-123');
    expect(mapOracleError(error, context('query'))).toMatchObject({ code: 'CW_QUERY_TIMEOUT', serverCode: 'NJS-123', message: expect.stringContaining('call timeout of 5000 ms exceeded') });
  });

  it('maps another error at logon to CW_CONNECT_FAILED with its code, and a driver usage error in a query to CW_QUERY_FAILED', () => {
    const busy = serverError(12516, 'TNS:listener could not find available handler with matching protocol stack');
    expect(mapOracleError(busy, context('connect'))).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: 'ORA-12516' });
    const bind = driverError(98, 2);
    expect(mapOracleError(bind, context('query'))).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: 'NJS-098' });
  });

  it('recognises the break error, keeps coded errors and wraps anything else', () => {
    expect(isBreakError(serverError(1013, 'user requested cancel of current operation'))).toBe(true);
    expect(isBreakError(serverError(942, 'table or view does not exist'))).toBe(false);
    const coded = new ConnectorError('CW_RESULT_TOO_LARGE', 'too big');
    expect(mapOracleError(coded, context('query'))).toBe(coded);
    expect(mapOracleError(new Error('boom'), context('query'))).toMatchObject({ code: 'CW_QUERY_FAILED', message: 'the Oracle query on 127.0.0.1:1521 failed: boom' });
    expect(mapOracleError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), context('query')).code).toBe('CW_CONNECTION_LOST');
  });
});
