import { ConnectorError, type Value } from '@causeway/sdk';
import { HanaIoType, HanaTypeCode, type HanaParameterMetadata } from './hanaDriver.js';

const T = HanaTypeCode;
const integerCodes = new Set<number>([T.TINYINT, T.SMALLINT, T.INT]);
const decimalCodes = new Set<number>([T.DECIMAL, T.FIXED8, T.FIXED12, T.FIXED16]);
const floatCodes = new Set<number>([T.REAL, T.DOUBLE]);
const binaryCodes = new Set<number>([T.BINARY, T.VARBINARY, T.BSTRING, T.BLOB, T.LOCATOR, T.ST_GEOMETRY, T.ST_POINT]);
const integerText = /^[+-]?\d+$/;
const decimalTextPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Converts job parameters to the values hdb's writer takes for the types the server described
 * for the statement's `?` markers: bigints and decimals as exact text, bytes as a Buffer, booleans
 * and NULL as they are. hdb would treat a JS array as a batch of rows, so arrays are refused.
 */
export function toHanaParameters(values: readonly Value[], metadata: readonly HanaParameterMetadata[] | undefined): unknown[] {
  const inputs = (metadata ?? []).filter((p) => p.ioType === HanaIoType.INPUT || p.ioType === HanaIoType.IN_OUT);
  if (inputs.length !== values.length) {
    throw new ConnectorError('CW_QUERY_FAILED', `the statement has ${inputs.length} parameter marker(s) but ${values.length} parameter(s) were given`);
  }
  return values.map((value, index) => toHanaParameter(value, (inputs[index] as HanaParameterMetadata).dataType, index + 1));
}

function refuse(position: number, value: Value, what: string): never {
  throw new ConnectorError('CW_QUERY_FAILED', `parameter ${position} (${describe(value)}) cannot be sent as ${what}`);
}

function describe(value: Value): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function toHanaParameter(value: Value, code: number, position: number): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) refuse(position, value, 'a SAP HANA parameter (array parameters are not supported)');
  if (integerCodes.has(code)) return toInteger(value, position);
  if (code === T.BIGINT) return toBigintText(value, position);
  if (decimalCodes.has(code)) return toDecimalText(value, position);
  if (floatCodes.has(code)) return toFloat(value, position);
  if (code === T.BOOLEAN) return toBoolean(value, position);
  if (binaryCodes.has(code)) {
    if (value instanceof Uint8Array) return toBuffer(value);
    if (code === T.BLOB && typeof value === 'string') return value;
    return refuse(position, value, 'binary data (give bytes)');
  }
  // Character, LOB and datetime parameters: hdb takes text (datetimes as ISO text, e.g. 2024-02-29T12:34:56.123456).
  if (value instanceof Uint8Array) {
    if (code === T.CLOB || code === T.NCLOB || code === T.NLOCATOR) return toBuffer(value);
    return refuse(position, value, 'text');
  }
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    default:
      return JSON.stringify(value);
  }
}

function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function toInteger(value: Value, position: number): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  if (typeof value === 'string' && integerText.test(value.trim())) return Number(value.trim());
  if (typeof value === 'boolean') return value ? 1 : 0;
  return refuse(position, value, 'an integer');
}

// hdb writes BIGINT from decimal text exactly (from a number only up to 2^53).
function toBigintText(value: Value, position: number): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && integerText.test(value.trim())) return BigInt(value.trim()).toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  return refuse(position, value, 'a BIGINT');
}

function toDecimalText(value: Value, position: number): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && decimalTextPattern.test(value.trim())) return value.trim();
  return refuse(position, value, 'a DECIMAL');
}

function toFloat(value: Value, position: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return refuse(position, value, 'a floating-point number');
}

function toBoolean(value: Value, position: number): boolean | number | string {
  if (typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') return value;
  return refuse(position, value, 'a BOOLEAN');
}
