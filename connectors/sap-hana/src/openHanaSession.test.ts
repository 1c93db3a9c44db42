import { afterAll, describe, expect, it } from 'vitest';
import type { HanaClientOptions } from './hanaDriver.js';
import { loadHdbDriver } from './loadHdbDriver.js';
import { mapHanaError } from './mapHanaError.js';
import { closeHanaSession, openHanaSession, quoteIdentifier } from './openHanaSession.js';
import { createFakeHdb } from './testing/createFakeHdb.js';
import { createTestLogger } from './testing/testLogger.js';
import { startTcpFixture, type TcpFixture } from './testing/tcpFixtures.js';

const logger = createTestLogger();
const options = (port = 30015, host = 'hana.example'): HanaClientOptions => ({
  host,
  port,
  initializationTimeout: 5000,
  rowsAsArray: true,
  fetchSize: 100,
  dataFormatSupport: 8,
  'SESSIONVARIABLE:APPLICATION': 'causeway',
});

describe('openHanaSession (fake hdb)', () => {
  it('logs on with the logon given to connect, sets the schema, and closes gracefully', async () => {
    const { server, driver } = createFakeHdb();
    server.users.set('KIT', 'pw-1234');
    const session = await openHanaSession(driver, options(), { user: 'KIT', password: 'pw-1234' }, { connectTimeoutMs: 1000, schema: 'MY"SCHEMA', logger });
    expect(session.client.readyState).toBe('connected');
    expect(server.stats.schemaSet).toEqual(['MY"SCHEMA']);
    expect(server.sessions()).toBe(1);
    await closeHanaSession(session, true, 1000);
    expect(session.client.readyState).toBe('closed');
    expect(server.sessions()).toBe(0);
  });

  it('destroys the client when the logon is refused and passes the server error on', async () => {
    const { driver } = createFakeHdb();
    let client: { readyState: string } | undefined;
    const spying = { ...driver, createClient: (o: HanaClientOptions) => (client = driver.createClient(o)) as never };
    await expect(openHanaSession(spying, options(), { user: 'KIT', password: 'wrong' }, { connectTimeoutMs: 1000, logger })).rejects.toMatchObject({ code: 10, sqlState: '28000' });
    expect(client?.readyState).toBe('closed');
  });

  it('bounds the whole opening with connectTimeoutMs', async () => {
    const { server, driver } = createFakeHdb();
    server.network = 'silent';
    const started = Date.now();
    const error = await openHanaSession(driver, options(), { user: 'KIT', password: 'x' }, { connectTimeoutMs: 200, logger }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ETIMEDOUT', message: 'no SAP HANA session within 200 ms' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a graceful close waits for the request in flight; closing at once does not', async () => {
    const { server, driver } = createFakeHdb();
    server.users.set('KIT', 'pw');
    server.statements.push({ match: /SLOW/, columns: [{ name: 'X', dataType: 3 }], rows: () => [[1]], runMs: 300 });
    const session = await openHanaSession(driver, options(), { user: 'KIT', password: 'pw' }, { connectTimeoutMs: 1000, logger });
    const answered: unknown[] = [];
    session.client.execute('SELECT SLOW FROM DUMMY', (error) => answered.push(error));
    await closeHanaSession(session, true, 2000);
    // The statement finished (answered without error) before the session was logged off.
    expect(answered).toEqual([null]);

    const second = await openHanaSession(driver, options(), { user: 'KIT', password: 'pw' }, { connectTimeoutMs: 1000, logger });
    const failed: unknown[] = [];
    second.client.execute('SELECT SLOW FROM DUMMY', (error) => failed.push(error));
    await closeHanaSession(second, false, 2000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failed).toEqual([expect.objectContaining({ code: 'ECONNABORTED' })]);
    expect(second.broken).toBe(true);
  });

  it('quotes identifiers', () => {
    expect(quoteIdentifier('SALES')).toBe('"SALES"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});

describe('openHanaSession (real hdb)', () => {
  const fixtures: TcpFixture[] = [];
  afterAll(async () => {
    await Promise.all(fixtures.map((f) => f.close()));
  });

  it('times out a server that answers the protocol initialisation but never the logon (hdb itself would wait forever)', async () => {
    // The 8-byte initialisation reply hdb expects (product version 4.20, protocol version 4.1).
    const mute = await startTcpFixture((socket) => socket.once('data', () => socket.write(Buffer.from([4, 20, 0, 4, 1, 0, 0, 0]))));
    fixtures.push(mute);
    const driver = await loadHdbDriver();
    const started = Date.now();
    const error = await openHanaSession(driver, options(mute.port, '127.0.0.1'), { user: 'KIT', password: 'real-secret-2' }, { connectTimeoutMs: 400, logger }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    const mapped = mapHanaError(error, { phase: 'connect', where: `127.0.0.1:${mute.port}`, logon: 'user "KIT"', connectTimeoutMs: 400 });
    expect(mapped.code).toBe('CW_CONNECT_TIMEOUT');
    expect(mapped.message).not.toContain('real-secret-2');
  });

  it('times out a TLS handshake the server never answers', async () => {
    const silent = await startTcpFixture(() => undefined);
    fixtures.push(silent);
    const driver = await loadHdbDriver();
    const error = await openHanaSession(driver, { ...options(silent.port, 'localhost'), useTLS: true }, { assertion: '<Assertion>real-assertion-3</Assertion>' }, { connectTimeoutMs: 300, logger }).catch(
      (e: unknown) => e,
    );
    const mapped = mapHanaError(error, { phase: 'connect', where: `localhost:${silent.port}`, logon: 'a SAML assertion', connectTimeoutMs: 300 });
    expect(mapped.code).toBe('CW_CONNECT_TIMEOUT');
    expect(mapped.message).not.toContain('real-assertion-3');
  });
});
