import { ConnectorError } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HanaClientOptions } from './hanaDriver.js';
import { loadHdbDriver } from './loadHdbDriver.js';
import { classifyHdbConnectError, isHanaAuthFailure, isHanaSqlError, isSessionLost, mapHanaError, type HanaErrorContext } from './mapHanaError.js';
import { hdbSqlError } from './testing/hdbCodecs.js';
import { startTcpFixture, unusedPort, type TcpFixture } from './testing/tcpFixtures.js';

const connect: HanaErrorContext = { phase: 'connect', where: 'hana.example:30015', databaseName: 'HXE', logon: 'user "KIT"', connectTimeoutMs: 3000 };
const query: HanaErrorContext = { ...connect, phase: 'query' };

// What the real hdb reports when opening a connection fails.
async function realConnectError(host: string, port: number, extra: Partial<HanaClientOptions> = {}): Promise<Error> {
  const driver = await loadHdbDriver();
  const client = driver.createClient({
    host,
    port,
    initializationTimeout: 500,
    rowsAsArray: true,
    fetchSize: 10,
    dataFormatSupport: 8,
    ...extra,
  } as HanaClientOptions);
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    client.connect({ user: 'KIT', password: 'real-driver-secret-1' }, (error) => {
      client.destroy();
      if (error) resolve(error);
      else reject(new Error('connected unexpectedly'));
    });
  });
}

describe('mapHanaError with errors of the real hdb', () => {
  const fixtures: TcpFixture[] = [];
  afterAll(async () => {
    await Promise.all(fixtures.map((f) => f.close()));
  });

  it('maps a refused port to CW_CONNECT_REFUSED (hdb wraps the socket error in EHDBOPENCONN)', async () => {
    const port = await unusedPort();
    const raw = await realConnectError('127.0.0.1', port);
    expect(raw).toMatchObject({ code: 'EHDBOPENCONN', message: expect.stringContaining('ECONNREFUSED') });
    const error = mapHanaError(raw, { ...connect, where: `127.0.0.1:${port}` });
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe('CW_CONNECT_REFUSED');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain('real-driver-secret-1');
  });

  it('maps an unknown host to CW_HOST_NOT_FOUND', async () => {
    const raw = await realConnectError('causeway-hana-test.invalid', 30015);
    expect(mapHanaError(raw, connect).code).toBe('CW_HOST_NOT_FOUND');
  });

  it("maps a server that never answers hdb's initialisation to CW_CONNECT_TIMEOUT", async () => {
    const silent = await startTcpFixture(() => undefined);
    fixtures.push(silent);
    const raw = await realConnectError('127.0.0.1', silent.port);
    expect(raw.message).toContain('No initialization reply');
    const error = mapHanaError(raw, connect);
    expect(error.code).toBe('CW_CONNECT_TIMEOUT');
    expect(error.message).toContain('3000 ms');
  });

  it('maps a failed TLS handshake to CW_TLS_FAILED', async () => {
    const plain = await startTcpFixture((socket) => socket.once('data', () => socket.write(Buffer.alloc(64, 7))));
    fixtures.push(plain);
    const raw = await realConnectError('localhost', plain.port, { useTLS: true });
    expect(mapHanaError(raw, connect).code).toBe('CW_TLS_FAILED');
  });

  it('maps a server that answers the initialisation with garbage to CW_CONNECT_FAILED', async () => {
    const garbage = await startTcpFixture((socket) => socket.once('data', () => socket.write(Buffer.from([1, 2, 3]))));
    fixtures.push(garbage);
    const raw = await realConnectError('127.0.0.1', garbage.port);
    expect(raw.message).toContain('Invalid initialization reply');
    expect(mapHanaError(raw, connect).code).toBe('CW_CONNECT_FAILED');
  });
});

describe('mapHanaError with server errors (hdb SqlError)', () => {
  let authFailed: Error;
  let invalidTable: Error;
  beforeAll(() => {
    authFailed = hdbSqlError(10, '28000', 'authentication failed');
    invalidTable = hdbSqlError(259, 'HY000', 'invalid table name:  Could not find table/view NOPE in schema KIT: line 1 col 15 (at pos 14)', 1, 14);
  });

  it("recognises hdb's SqlError objects", () => {
    expect(isHanaSqlError(authFailed)).toBe(true);
    expect(authFailed).toMatchObject({ code: 10, sqlState: '28000', level: 1 });
    expect(isHanaSqlError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isHanaAuthFailure(authFailed)).toBe(true);
    expect(isHanaAuthFailure(invalidTable)).toBe(false);
  });

  it('maps error 10 to CW_AUTH_DENIED with serverCode "10", naming the user and never the secret', () => {
    const error = mapHanaError(authFailed, connect);
    expect(error).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '10', details: { sqlState: '28000', serverCode: '10' } });
    expect(error.message).toBe('SAP HANA at hana.example:30015 (database "HXE") refused the logon of user "KIT": authentication failed [10]');
    expect(mapHanaError(hdbSqlError(414, 'HY000', 'user is forced to change password'), connect).code).toBe('CW_AUTH_DENIED');
  });

  it('maps a statement error to CW_QUERY_FAILED with the error number, SQLSTATE and position', () => {
    const error = mapHanaError(invalidTable, query);
    expect(error).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '259', details: { sqlState: 'HY000', position: 14 } });
    expect(error.message).toContain('SAP HANA error 259 (SQLSTATE HY000): invalid table name');
    expect(mapHanaError(hdbSqlError(257, '42000', 'sql syntax error'), query)).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '257' });
  });

  it('maps a server error at logon other than a refusal to CW_CONNECT_FAILED, and a fatal one mid-query to CW_CONNECTION_LOST', () => {
    expect(mapHanaError(hdbSqlError(1033, 'HY000', 'error while parsing protocol'), connect)).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: '1033' });
    const fatal = hdbSqlError(1033, 'HY000', 'session gone', 2);
    expect(isSessionLost(fatal)).toBe(true);
    expect(isSessionLost(invalidTable)).toBe(false);
    expect(mapHanaError(fatal, query).code).toBe('CW_CONNECTION_LOST');
  });
});

describe('mapHanaError with driver errors during a query', () => {
  it('maps hdb and socket errors to CW_CONNECTION_LOST and anything else to CW_QUERY_FAILED', () => {
    expect(mapHanaError(Object.assign(new Error('Connection closed'), { code: 'EHDBCLOSE' }), query).code).toBe('CW_CONNECTION_LOST');
    expect(mapHanaError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), query).code).toBe('CW_CONNECTION_LOST');
    expect(mapHanaError(new Error('Wrong input for INT type'), query)).toMatchObject({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('Wrong input for INT type') });
    const coded = new ConnectorError('CW_RESULT_TOO_LARGE', 'too big');
    expect(mapHanaError(coded, query)).toBe(coded);
  });

  it('classifies connect errors by socket code first, then by hdb code and message', () => {
    expect(classifyHdbConnectError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('refused');
    expect(classifyHdbConnectError(Object.assign(new Error('x'), { code: 'EHDBTIMEOUT' }))).toBe('timeout');
    expect(classifyHdbConnectError(Object.assign(new Error('Could not connect to any host: [ h:1 - self-signed certificate ]'), { code: 'EHDBOPENCONN' }))).toBe('tls');
    expect(classifyHdbConnectError(Object.assign(new Error('Could not connect to any host: [ h:1 - something else ]'), { code: 'EHDBOPENCONN' }))).toBe('lost');
    expect(classifyHdbConnectError(new Error('unrelated'))).toBeUndefined();
  });
});
