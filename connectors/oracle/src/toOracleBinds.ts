import { ConnectorError, type Value } from '@causeway/sdk';
import type { OracleBinds, OracleDbTypes } from './oracleDriver.js';

/** Oracle Database 23 is the first with a SQL BOOLEAN type (`oracleServerVersion` 2300000000). */
export const firstVersionWithBoolean = 23_00_00_00_00;

/**
 * Converts job parameters to oracledb binds by name: parameter 1 binds `:1`, parameter 2 `:2`, and
 * a placeholder used twice gets the same value. Strings (decimals included) bind as VARCHAR2 and
 * Oracle converts them where a NUMBER is expected; bigints and numbers within NUMBER's range bind
 * as NUMBER (exactly: the driver encodes the number's shortest decimal text); NaN, infinities and
 * numbers NUMBER cannot hold exactly (beyond its range or its finest digit) as BINARY_DOUBLE, which holds every
 * JavaScript number; bytes as RAW; arrays and objects as JSON text. Booleans bind
 * as BOOLEAN on Oracle 23 and later, and as the NUMBER 1 or 0 before (there is no SQL BOOLEAN).
 */
export function toOracleBinds(parameters: readonly Value[], types: OracleDbTypes, serverVersion: number): OracleBinds {
  const binds: OracleBinds = {};
  parameters.forEach((value, index) => {
    binds[String(index + 1)] = toBind(value, index, types, serverVersion >= firstVersionWithBoolean);
  });
  return binds;
}

function toBind(value: Value, index: number, types: OracleDbTypes, sqlBoolean: boolean): unknown {
  // Untyped values let the driver pick the type and size (a long string goes as LONG, a big buffer as LONG RAW).
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return fitsOracleNumber(value) ? value : { val: value, type: types.DB_TYPE_BINARY_DOUBLE };
    case 'bigint':
      return { val: value, type: types.DB_TYPE_NUMBER };
    case 'boolean':
      return sqlBoolean ? { val: value, type: types.DB_TYPE_BOOLEAN } : { val: value ? 1 : 0, type: types.DB_TYPE_NUMBER };
    default:
      break;
  }
  if (value instanceof Uint8Array) {
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new ConnectorError('CW_QUERY_FAILED', `parameter :${index + 1} cannot be sent as JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * True when Oracle NUMBER holds the number exactly: oracledb encodes the shortest decimal text of a
 * number, and NUMBER keeps at most 40 digits with the last one no finer than 1e-130 and the value
 * below 1e126 (the same arithmetic as the driver's encoder, which refuses anything else).
 */
export function fitsOracleNumber(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (value === 0) return true;
  const [mantissa = '', exponentText = '0'] = String(Math.abs(value)).split('e');
  let exponent = Number(exponentText);
  const dot = mantissa.indexOf('.');
  let digits = mantissa;
  if (dot >= 0) {
    exponent -= mantissa.length - dot - 1;
    digits = mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  }
  digits = digits.replace(/^0+/, '');
  const significant = digits.replace(/0+$/, '');
  exponent += digits.length - significant.length;
  return significant.length <= 40 && exponent > -131 && exponent + significant.length <= 126;
}
