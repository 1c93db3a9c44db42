import type { Logger } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { loadOracleDriver } from './loadOracleDriver.js';
import { oracleDbTypeNames } from './oracleDriver.js';
import { unusedPort } from './testing/fakeNetwork.js';
import { oracledb } from './testing/oracledbInternals.js';

const warnings: string[] = [];
const logger: Logger = { trace() {}, debug() {}, info() {}, warn: (message: unknown) => void warnings.push(String(message)), error() {}, child: () => logger };

describe('loadOracleDriver', () => {
  it('loads node-oracledb in thin mode with the constants the connector uses', async () => {
    const driver = await loadOracleDriver(logger);
    expect(oracledb.thin).toBe(true);
    expect(warnings).toEqual([]);
    for (const name of oracleDbTypeNames) expect(driver.types[name], name).toBe((oracledb as unknown as Record<string, unknown>)[name]);
    expect(driver.types.DB_TYPE_NUMBER.columnTypeName).toBe('NUMBER');
    expect(driver.OUT_FORMAT_ARRAY).toBe(oracledb.OUT_FORMAT_ARRAY);
  });

  it("passes the driver's own connect errors through, and creates pools without connecting", async () => {
    const driver = await loadOracleDriver(logger);
    const port = await unusedPort();
    const attributes = { user: 'scott', password: 'tiger', connectString: `127.0.0.1:${port}/FREEPDB1`, connectTimeout: 2 };
    await expect(driver.getConnection(attributes)).rejects.toMatchObject({ code: 'NJS-503' });
    const pool = await driver.createPool({ ...attributes, poolMin: 0, poolMax: 2, poolIncrement: 1, poolTimeout: 60, queueTimeout: 2000 });
    try {
      expect(pool.connectionsOpen).toBe(0);
      await expect(pool.getConnection()).rejects.toMatchObject({ code: 'NJS-503' });
      expect(pool.connectionsInUse).toBe(0);
    } finally {
      await pool.close(0);
    }
  });
});
