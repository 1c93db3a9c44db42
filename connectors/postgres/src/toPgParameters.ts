import { ConnectorError, type Value } from '@causeway/sdk';

/** A parameter as pg sends it: text, bytes (sent in binary format, for bytea), or NULL. */
export type PgParameter = string | Buffer | null | readonly unknown[];

/**
 * Converts job parameters to what pg binds to `$1, $2, ...`: bigints and numbers as exact text,
 * bytes as a Buffer, objects as JSON text. Arrays are left to pg, which writes an array literal
 * (nested arrays for more dimensions, NULL elements, bigints as text).
 */
export function toPgParameters(parameters: readonly Value[]): PgParameter[] {
  return parameters.map(toPgParameter);
}

function toPgParameter(value: Value, index: number): PgParameter {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return String(value);
    default:
      break;
  }
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value as readonly unknown[];
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new ConnectorError('CW_QUERY_FAILED', `parameter $${index + 1} cannot be sent as JSON: ${(error as Error).message}`, { cause: error });
  }
}
