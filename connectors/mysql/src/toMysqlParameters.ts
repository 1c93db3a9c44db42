import { ConnectorError, type Value } from '@causeway/sdk';
import type { ExecuteValues, TypedParameterValue } from 'mysql2';

/** mysql2's typed-parameter factories (`mysql.TypedParameter`), passed in so this module does not load mysql2. */
export interface TypedParameters {
  LONGLONG: ((value: bigint) => TypedParameterValue) & { unsigned(value: bigint): TypedParameterValue };
  NEWDECIMAL(value: string): TypedParameterValue;
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;
const uint64Max = 2n ** 64n - 1n;

/**
 * Converts job parameters to the values mysql2 binds to a prepared statement's `?` placeholders.
 * They travel in the binary protocol with their own types, so no value is ever spliced into the
 * statement text:
 *
 * - integers (bigint, or a number that is a safe integer) as BIGINT (BIGINT UNSIGNED above the
 *   signed range, DECIMAL beyond 64 bits), so `? + 1` stays an integer; other numbers as DOUBLE;
 * - strings as strings: decimal text stays exact (`CAST(? AS DECIMAL(65,30))`);
 * - booleans as TINYINT 1/0, `null` as NULL;
 * - bytes (`Uint8Array`) as a BLOB;
 * - arrays and objects as their JSON text (MySQL has no array type; MariaDB takes JSON as text).
 */
export function toMysqlParameters(parameters: readonly Value[], typed: TypedParameters): ExecuteValues[] {
  return parameters.map((value, index) => toMysqlParameter(value, index, typed));
}

function toMysqlParameter(value: Value, index: number, typed: TypedParameters): ExecuteValues {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return integer(value, typed);
    case 'number':
      if (!Number.isFinite(value)) throw new ConnectorError('CW_QUERY_FAILED', `parameter ${index + 1} is ${value}, which MySQL cannot store`);
      return Number.isSafeInteger(value) ? integer(BigInt(value), typed) : value;
    default:
      break;
  }
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new ConnectorError('CW_QUERY_FAILED', `parameter ${index + 1} cannot be sent as JSON: ${(error as Error).message}`, { cause: error });
  }
}

function integer(value: bigint, typed: TypedParameters): ExecuteValues {
  if (value >= int64Min && value <= int64Max) return typed.LONGLONG(value);
  if (value > int64Max && value <= uint64Max) return typed.LONGLONG.unsigned(value);
  return typed.NEWDECIMAL(value.toString());
}
