import { describe, expect, it } from 'vitest';
import { createFakeOracleDriver, counterColumn, FakeLobData, type FakeStatement } from './fakeOracleDriver.js';
import type { OracleLob } from '../oracleDriver.js';
import { oracledb } from './oracledbInternals.js';

// These tests pin the fake to the behaviour of node-oracledb thin mode that the connector relies on.

const users = { scott: 'tiger' };
const scott = { user: 'scott', password: 'tiger', connectString: 'db:1521/FREEPDB1' };

function driverFor(respond: (sql: string) => FakeStatement) {
  return createFakeOracleDriver({ users, respond });
}

async function caught(work: Promise<unknown>): Promise<Error & { code?: string; errorNum?: number }> {
  try {
    await work;
  } catch (error) {
    return error as Error & { code?: string; errorNum?: number };
  }
  throw new Error('expected a failure');
}

describe('the fake oracledb driver', () => {
  it('refuses a wrong password with the driver-shaped ORA-01017', async () => {
    const driver = driverFor(() => ({}));
    const error = await caught(driver.getConnection({ ...scott, password: 'wrong' }));
    expect(error).toMatchObject({ code: 'ORA-01017', errorNum: 1017 });
    expect(error.message).toMatch(/^ORA-01017: invalid credential or not authorized; logon denied\nHelp: https:\/\/docs\.oracle\.com\/error-help\/db\/ora-01017\//);
  });

  it('makes the call in progress fail with ORA-01013 on break(), and the session stays usable', async () => {
    const driver = driverFor((sql) => (sql.includes('sleep') ? { executeMs: Infinity } : { columns: [counterColumn('N')], rows: 1 }));
    const connection = await driver.getConnection(scott);
    const running = connection.execute('select sleep', {}, {});
    await new Promise((resolve) => setImmediate(resolve));
    expect(driver.runningStatements('sleep')).toBe(1);
    await connection.break();
    expect(await caught(running)).toMatchObject({ code: 'ORA-01013', errorNum: 1013 });
    expect(driver.runningStatements('sleep')).toBe(0);
    expect(driver.stats.breaks).toBe(1);
    const again = await connection.execute('select 1', {}, { resultSet: true });
    expect(await again.resultSet?.getRows(5)).toEqual([[1]]);
  });

  it('serialises calls: close() waits for the running call', async () => {
    const driver = driverFor(() => ({ executeMs: 30 }));
    const connection = await driver.getConnection(scott);
    const order: string[] = [];
    const running = connection.execute('begin null; end;', {}, {}).then(() => order.push('execute'));
    const closing = connection.close().then(() => order.push('close'));
    await Promise.all([running, closing]);
    expect(order).toEqual(['execute', 'close']);
    expect(await caught(connection.execute('select 1', {}, {}))).toMatchObject({ code: 'NJS-003' });
  });

  it('produces rows only when asked: the prefetch with execute, then what getRows requests', async () => {
    const driver = driverFor(() => ({ columns: [counterColumn('N')], rows: 10 }));
    const connection = await driver.getConnection(scott);
    const { resultSet } = await connection.execute('select n', {}, { resultSet: true, prefetchRows: 3 });
    expect(driver.stats.rowsProduced).toBe(3);
    expect(await resultSet?.getRows(2)).toEqual([[1], [2]]);
    expect(driver.stats.rowsProduced).toBe(3);
    expect(await resultSet?.getRows(4)).toEqual([[3], [4], [5], [6]]);
    expect(driver.stats.rowsProduced).toBe(6);
    expect(await resultSet?.getRows(100)).toEqual([[7], [8], [9], [10]]);
    expect(await resultSet?.getRows(100)).toEqual([]);
  });

  it('interrupts a round trip longer than callTimeout with NJS-123', async () => {
    const driver = driverFor(() => ({ executeMs: Infinity }));
    const connection = await driver.getConnection(scott);
    connection.callTimeout = 20;
    const error = await caught(connection.execute('select slow', {}, {}));
    expect(error).toMatchObject({ code: 'NJS-123' });
    expect(error.message).toContain('call timeout of 20 ms exceeded');
  });

  it("runs the fetch type handler through the driver's own checks", async () => {
    const driver = driverFor(() => ({ columns: [counterColumn('N')], rows: 1 }));
    const connection = await driver.getConnection(scott);
    const error = await caught(connection.execute('select n', {}, { fetchTypeHandler: () => ({ type: oracledb.DB_TYPE_BOOLEAN }) }));
    expect(error).toMatchObject({ code: 'NJS-119' });
    // Without a handler NUMBER goes through the driver's parseFloat, as in thin mode.
    const { rows } = await connection.execute('select n', {}, {});
    expect(rows).toEqual([[1]]);
  });

  it('loses the connection at a row with the error thin mode raises, and fails every later call', async () => {
    const driver = driverFor(() => ({ columns: [counterColumn('N')], rows: 10, loseConnectionAtRow: 5 }));
    const connection = await driver.getConnection(scott);
    const { resultSet } = await connection.execute('select n', {}, { resultSet: true, prefetchRows: 2 });
    expect(await caught(resultSet!.getRows(10))).toMatchObject({ code: 'NJS-500', errorNum: 3113 });
    expect(await caught(connection.execute('select 1', {}, {}))).toMatchObject({ code: 'NJS-500' });
  });

  it('hands LOBs out as locators read with a round trip each', async () => {
    const driver = driverFor(() => ({ columns: [{ name: 'C', dbType: oracledb.DB_TYPE_CLOB, value: () => new FakeLobData('hello') }], rows: 1 }));
    const connection = await driver.getConnection(scott);
    const { resultSet } = await connection.execute('select c', {}, { resultSet: true });
    const [[lob]] = (await resultSet!.getRows(1)) as [[OracleLob]];
    expect(lob.length).toBe(5);
    expect(driver.stats.lobReads).toBe(0);
    expect(await lob.getData()).toBe('hello');
    expect(driver.stats.lobReads).toBe(1);
    lob.destroy();
    expect(driver.stats.lobsReleased).toBe(1);
    await expect(lob.getData()).rejects.toMatchObject({ code: 'NJS-022' });
  });

  it('caps a pool at poolMax, queues with queueTimeout (NJS-040) and drops a session whose callback failed', async () => {
    const driver = driverFor(() => ({}));
    let failNext = false;
    const pool = await driver.createPool({
      ...scott,
      poolMin: 0,
      poolMax: 1,
      poolIncrement: 1,
      poolTimeout: 60,
      queueTimeout: 30,
      sessionCallback: (_connection, _tag, done) => done(failNext ? new Error('init failed') : undefined),
    });
    const first = await pool.getConnection();
    expect(await caught(pool.getConnection())).toMatchObject({ code: 'NJS-040' });
    const waiting = pool.getConnection();
    await first.close();
    expect(await waiting).toBe(first);
    await first.close({ drop: true });
    expect(pool.connectionsOpen).toBe(0);
    failNext = true;
    expect(await caught(pool.getConnection())).toMatchObject({ message: 'init failed' });
    expect(pool.connectionsOpen).toBe(0);
    expect(driver.stats.sessionsDropped).toBe(2);
  });
});
