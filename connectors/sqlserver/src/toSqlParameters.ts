import { ConnectorError, type Value } from '@causeway/sdk';
import type { Tedious } from './loadTedious.js';

type DataTypes = Tedious['TYPES'];

/** A parameter as tedious binds it: `@name` in the query text. */
export interface SqlParameter {
  /** Without the `@`: `p1`, `p2`, … */
  name: string;
  type: DataTypes[keyof DataTypes];
  value: unknown;
  options?: { length?: number };
}

const int32Min = -2147483648;
const int32Max = 2147483647;
const int64Min = -9223372036854775808n;
const int64Max = 9223372036854775807n;
// A length above the type's maximum makes tedious declare nvarchar(max) / varbinary(max).
const maxLength = 65535;

/**
 * Converts positional job parameters to named ones: the first is `@p1`, the second `@p2`, and so
 * on, and the query text refers to them by those names. Types follow the value:
 *
 * - `null` → nvarchar NULL (SQL Server converts it to whatever the expression needs);
 * - boolean → bit;
 * - number → int when it is an integer in int32 range, bigint when a larger safe integer, float
 *   otherwise (NaN and ±Infinity are refused: SQL Server has no such floats);
 * - bigint → bigint (refused outside the int64 range);
 * - string → nvarchar(4000), or nvarchar(max) when longer. A string is never guessed to be a
 *   decimal: '12.50' stays text, and SQL Server converts it exactly where it meets a decimal
 *   (`WHERE price = @p1`, `CAST(@p1 AS decimal(38,10))`). tedious's own decimal parameters go
 *   through a JavaScript number and would lose digits;
 * - Uint8Array → varbinary(8000), or varbinary(max) when longer;
 * - arrays and objects → nvarchar JSON text, for OPENJSON and JSON_VALUE.
 */
export function toSqlParameters(parameters: readonly Value[], types: DataTypes): SqlParameter[] {
  return parameters.map((value, index) => toSqlParameter(value, `p${index + 1}`, types));
}

function refuse(name: string, why: string, cause?: unknown): ConnectorError {
  return new ConnectorError('CW_QUERY_FAILED', `parameter @${name} cannot be sent to SQL Server: ${why}`, { cause });
}

function toSqlParameter(value: Value, name: string, types: DataTypes): SqlParameter {
  if (value === null || value === undefined) return { name, type: types.NVarChar, value: null, options: { length: 4000 } };
  switch (typeof value) {
    case 'boolean':
      return { name, type: types.Bit, value };
    case 'number':
      if (!Number.isFinite(value)) throw refuse(name, `${value} is not a finite number`);
      if (Number.isInteger(value) && value >= int32Min && value <= int32Max) return { name, type: types.Int, value };
      if (Number.isSafeInteger(value)) return { name, type: types.BigInt, value: BigInt(value) };
      return { name, type: types.Float, value };
    case 'bigint':
      if (value < int64Min || value > int64Max) throw refuse(name, `${value} is outside the range of bigint`);
      return { name, type: types.BigInt, value };
    case 'string':
      return { name, type: types.NVarChar, value, options: { length: value.length <= 4000 ? 4000 : maxLength } };
    default:
      break;
  }
  if (value instanceof Uint8Array) {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { name, type: types.VarBinary, value: bytes, options: { length: bytes.length <= 8000 ? 8000 : maxLength } };
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw refuse(name, `it cannot be written as JSON: ${(error as Error).message}`, error);
  }
  return { name, type: types.NVarChar, value: json, options: { length: json.length <= 4000 ? 4000 : maxLength } };
}
