import { CausewayError } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { describeOracleServer, testOracleConnection, type TestOracleConnectionOptions } from './testOracleConnection.js';
import { createFakeOracleDriver, type FakeStatement } from './testing/fakeOracleDriver.js';
import { oracledb, serverError } from './testing/oracledbInternals.js';

const attributes = { user: 'scott', password: 'tiger', connectString: 'db:1521/S' };

function options(signal = new AbortController().signal): TestOracleConnectionOptions & { phases: string[] } {
  const phases: string[] = [];
  return {
    signal,
    phases,
    abortError: () => new CausewayError('CW_JOB_CANCELLED', 'stopped'),
    mapError: (error, phase) => {
      phases.push(phase);
      return error as Error;
    },
    callTimeoutMs: 5000,
  };
}

const banner = (): FakeStatement => ({ columns: [{ name: 'BANNER', dbType: oracledb.DB_TYPE_VARCHAR, value: () => 'Oracle Database 19c Enterprise Edition' }], rows: 1 });

describe('testOracleConnection', () => {
  it('logs on, reads the banner with the call timeout set, and closes the session', async () => {
    const driver = createFakeOracleDriver({ users: { scott: 'tiger' }, version: 1922000000, versionString: '19.22.0.0.0', respond: banner });
    const result = await testOracleConnection(driver, attributes, options());
    expect(result).toMatchObject({ ok: true, serverVersion: 'Oracle Database 19c Enterprise Edition (19.22.0.0.0)' });
    expect(driver.executions[0]?.callTimeout).toBe(5000);
    expect(driver.openSessions()).toBe(0);
  });

  it('maps a logon failure as a connect error and a failing test query as a query error', async () => {
    const refused = createFakeOracleDriver({ users: {}, respond: banner });
    const first = options();
    await expect(testOracleConnection(refused, attributes, first)).rejects.toMatchObject({ code: 'ORA-01017' });
    expect(first.phases).toEqual(['connect']);
    const lost = createFakeOracleDriver({ users: { scott: 'tiger' }, respond: () => ({ error: () => serverError(3113, 'end-of-file on communication channel') }) });
    const second = options();
    await expect(testOracleConnection(lost, attributes, second)).rejects.toMatchObject({ code: 'NJS-500' });
    expect(second.phases).toEqual(['query']);
    expect(lost.openSessions()).toBe(0);
  });

  it('breaks a test query that hangs when the signal aborts', async () => {
    const driver = createFakeOracleDriver({ users: { scott: 'tiger' }, respond: () => ({ executeMs: Infinity }) });
    const controller = new AbortController();
    const test = testOracleConnection(driver, attributes, options(controller.signal));
    for (let i = 0; i < 100 && driver.runningStatements('v$version') === 0; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    controller.abort();
    await expect(test).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    expect(driver.stats.breaks).toBe(1);
    // No fallback query after the break.
    expect(driver.executions).toHaveLength(1);
    expect(driver.openSessions()).toBe(0);
  });
});

describe('describeOracleServer', () => {
  it('does not hide a lost session behind the fallback query', async () => {
    const driver = createFakeOracleDriver({ users: { scott: 'tiger' }, respond: () => ({ loseConnectionAtRow: 0, columns: banner().columns, rows: 1 }) });
    const connection = await driver.getConnection(attributes);
    await expect(describeOracleServer(connection, driver.OUT_FORMAT_ARRAY)).rejects.toMatchObject({ code: 'NJS-500' });
    expect(driver.executions).toHaveLength(1);
  });
});
