import type { Logger } from '@causeway/sdk';
import { oracleDbTypeNames, type OracleConnection, type OracleDbTypes, type OracleDriver, type OraclePool } from './oracleDriver.js';

/**
 * Imports node-oracledb (on first use only) and returns the part of it the connector calls. The
 * connector runs in thin mode: it never calls `initOracleClient`, so no Oracle Client libraries are
 * needed. If another plugin in the same process switched the driver to thick mode, a warning is
 * logged and the driver is used as it is.
 */
export async function loadOracleDriver(logger?: Logger): Promise<OracleDriver> {
  const { default: oracledb } = await import('oracledb');
  if (!oracledb.thin) logger?.warn('node-oracledb runs in thick mode in this process (another plugin called initOracleClient); the Oracle connector expects thin mode');
  const source = oracledb as unknown as Record<string, unknown>;
  const types = {} as Record<keyof OracleDbTypes, unknown>;
  for (const name of oracleDbTypeNames) {
    if (!source[name]) throw new Error(`node-oracledb ${oracledb.versionString} does not export ${name}`);
    types[name] = source[name];
  }
  return {
    // The attribute shapes are a subset of oracledb's; its result objects have every member the interfaces name.
    createPool: (attributes) => oracledb.createPool(attributes as unknown as Parameters<typeof oracledb.createPool>[0]) as unknown as Promise<OraclePool>,
    getConnection: (attributes) => oracledb.getConnection(attributes) as unknown as Promise<OracleConnection>,
    types: types as unknown as OracleDbTypes,
    OUT_FORMAT_ARRAY: oracledb.OUT_FORMAT_ARRAY,
  };
}
