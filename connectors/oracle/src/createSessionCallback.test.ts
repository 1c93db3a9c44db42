import { describe, expect, it } from 'vitest';
import { createSessionCallback, sessionSettingsSql } from './createSessionCallback.js';
import { createFakeOracleDriver } from './testing/fakeOracleDriver.js';
import { serverError } from './testing/oracledbInternals.js';

const poolAttributes = { user: 'scott', password: 'tiger', connectString: 'db/S', poolMin: 0, poolMax: 2, poolIncrement: 1, poolTimeout: 60, queueTimeout: 1000 };

describe('createSessionCallback', () => {
  it('sets the module and the session settings once per new session, not on reuse', async () => {
    const driver = createFakeOracleDriver({ users: { scott: 'tiger' }, respond: () => ({}) });
    const pool = await driver.createPool({ ...poolAttributes, sessionCallback: createSessionCallback('causeway-test') });
    const first = await pool.getConnection();
    expect(first.module).toBe('causeway-test');
    expect(driver.executions.map((e) => e.sql)).toEqual([sessionSettingsSql]);
    await first.close();
    const again = await pool.getConnection();
    expect(again).toBe(first);
    expect(driver.executions).toHaveLength(1);
    await again.close();
  });

  it('fails the getConnection and drops the session when the settings are refused', async () => {
    const driver = createFakeOracleDriver({
      users: { scott: 'tiger' },
      respond: () => ({ error: () => serverError(2248, 'invalid option for ALTER SESSION') }),
    });
    const pool = await driver.createPool({ ...poolAttributes, sessionCallback: createSessionCallback('causeway') });
    await expect(pool.getConnection()).rejects.toMatchObject({ code: 'ORA-02248' });
    expect(pool.connectionsOpen).toBe(0);
    expect(driver.stats.sessionsDropped).toBe(1);
  });

  it('uses UTC, a dot as decimal separator and ISO formats', () => {
    expect(sessionSettingsSql).toContain("TIME_ZONE = 'UTC'");
    expect(sessionSettingsSql).toContain("NLS_NUMERIC_CHARACTERS = '.,'");
    expect(sessionSettingsSql).toContain(`NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF'`);
  });
});
