// Exact decoding of the SQL Server values tedious turns into JavaScript numbers.
//
// tedious decodes DECIMALN/NUMERICN as `magnitude * sign / 10^scale` in doubles and MONEY as
// `(low + 2^32 * high) / 10^4`: a decimal(38,10) or a large money value loses digits, and no
// tedious option changes that (useColumnNames, rowCollectionOnRequestCompletion, useUTC do not
// touch value decoding; casting in SQL is not an option, the user writes the SQL). tedious's row
// parsers call `readValue` through its module object on every value, so the connector wraps that
// function once per process. The wrapper acts only for connections that carry the connector's
// option flag (set on each connection it opens); any other tedious user in the process is left
// alone. For those connections it reads the wire bytes itself (MS-TDS 2.2.5.5.1.5 money,
// 2.2.5.5.1.6 decimal/numeric, 2.2.5.5.4 sql_variant) and returns exact text.
import { dateFromDays0001, dateText, timeText } from './formatTemporal.js';

/** The connection-options flag that turns exact decoding on (a registered symbol, shared by every copy of the connector). */
export const exactValuesOption = Symbol.for('causeway.sqlserver.exactValues');

/** The part of a column's metadata the decoder looks at. */
export interface ValueMetadata {
  type: { name: string };
  scale?: number;
  precision?: number;
  dataLength?: number;
}

/** A decoded value and the offset after it (tedious's Result shape). */
export interface ReadResult {
  value: unknown;
  offset: number;
}

type ReadValue = (buf: Buffer, offset: number, metadata: ValueMetadata, options: Record<PropertyKey, unknown>) => ReadResult;

/** tedious's value-parser module. */
export interface ValueParserModule {
  readValue: ReadValue;
}

const installed = Symbol.for('causeway.sqlserver.exactValues.installed');

/**
 * Wraps `readValue` so connections flagged with `exactValuesOption` get exact decimals, money and
 * sql_variant text. Idempotent.
 */
export function installExactValues(module: ValueParserModule, NotEnoughData: new (byteCount: number) => Error, decodeChars: (bytes: Buffer, collation: Buffer) => string): void {
  if ((module.readValue as ReadValue & { [installed]?: boolean })[installed]) return;
  const original = module.readValue;
  const wrapped: ReadValue & { [installed]?: boolean } = function readValue(buf, offset, metadata, options) {
    if (options?.[exactValuesOption] === true) {
      const exact = readExactValue(buf, offset, metadata, NotEnoughData, decodeChars);
      if (exact) return exact;
    }
    return original(buf, offset, metadata, options);
  };
  wrapped[installed] = true;
  module.readValue = wrapped;
}

/** Reads a decimal, numeric, money or sql_variant value exactly; undefined for the types tedious decodes well. */
export function readExactValue(
  buf: Buffer,
  offset: number,
  metadata: ValueMetadata,
  NotEnoughData: new (byteCount: number) => Error,
  decodeChars: (bytes: Buffer, collation: Buffer) => string,
): ReadResult | undefined {
  const need = (end: number): void => {
    if (buf.length < end) throw new NotEnoughData(end);
  };
  switch (metadata.type.name) {
    case 'DecimalN':
    case 'NumericN': {
      need(offset + 1);
      const length = buf.readUInt8(offset);
      if (length === 0) return { value: null, offset: offset + 1 };
      need(offset + 1 + length);
      const positive = buf.readUInt8(offset + 1) === 1;
      const magnitude = readUnsignedLE(buf, offset + 2, length - 1);
      return { value: decimalText(positive, magnitude, metadata.scale ?? 0), offset: offset + 1 + length };
    }
    case 'Money':
      need(offset + 8);
      return { value: moneyText(readMoney(buf, offset)), offset: offset + 8 };
    case 'SmallMoney':
      need(offset + 4);
      return { value: moneyText(BigInt(buf.readInt32LE(offset))), offset: offset + 4 };
    case 'MoneyN': {
      need(offset + 1);
      const length = buf.readUInt8(offset);
      if (length === 0) return { value: null, offset: offset + 1 };
      need(offset + 1 + length);
      const value = length === 8 ? readMoney(buf, offset + 1) : BigInt(buf.readInt32LE(offset + 1));
      return { value: moneyText(value), offset: offset + 1 + length };
    }
    case 'Variant': {
      need(offset + 4);
      const length = buf.readUInt32LE(offset);
      if (length === 0) return { value: null, offset: offset + 4 };
      need(offset + 4 + length);
      return { value: variantText(buf.subarray(offset + 4, offset + 4 + length), decodeChars), offset: offset + 4 + length };
    }
    default:
      return undefined;
  }
}

/** An unsigned little-endian integer of `length` bytes. */
export function readUnsignedLE(buf: Buffer, start: number, length: number): bigint {
  let value = 0n;
  for (let i = start + length - 1; i >= start; i -= 1) value = (value << 8n) | BigInt(buf[i] as number);
  return value;
}

// MONEY: the high 32 bits (signed) first, then the low 32 bits, of a count of ten-thousandths.
function readMoney(buf: Buffer, offset: number): bigint {
  return (BigInt(buf.readInt32LE(offset)) << 32n) | BigInt(buf.readUInt32LE(offset + 4));
}

/** The exact text of `magnitude / 10^scale` with its sign, keeping `scale` fractional digits (`-12.50`). */
export function decimalText(positive: boolean, magnitude: bigint, scale: number): string {
  const digits = magnitude.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const sign = positive || magnitude === 0n ? '' : '-';
  return scale > 0 ? `${sign}${whole}.${digits.slice(digits.length - scale)}` : `${sign}${whole}`;
}

/** The exact text of a money value held in ten-thousandths (`12.3400`). */
export function moneyText(tenThousandths: bigint): string {
  const negative = tenThousandths < 0n;
  return decimalText(!negative, negative ? -tenThousandths : tenThousandths, 4);
}

// The shortest decimal text that reads back as the same float32.
function float32Text(value: number): string {
  for (let digits = 1; digits <= 9; digits += 1) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}

function ticks(bytes: Buffer, offset: number, length: number, scale: number): number {
  return Number(readUnsignedLE(bytes, offset, length)) * 10 ** (7 - scale);
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The text of a sql_variant value (the SDK's `unknown` form): numbers as SQL Server prints them,
 * decimals and money exact, dates and times in ISO order (`2024-01-02 03:04:05.1234567`, the
 * fraction cut to six digits like every other time value of this connector), binary as `0x…`
 * hex, uniqueidentifier upper case as SQL Server prints it.
 */
export function variantText(bytes: Buffer, decodeChars: (bytes: Buffer, collation: Buffer) => string): string {
  const baseType = bytes.readUInt8(0);
  const propBytes = bytes.readUInt8(1);
  const props = bytes.subarray(2, 2 + propBytes);
  const data = bytes.subarray(2 + propBytes);
  switch (baseType) {
    case 0x30:
      return String(data.readUInt8(0));
    case 0x34:
      return String(data.readInt16LE(0));
    case 0x38:
      return String(data.readInt32LE(0));
    case 0x7f:
      return data.readBigInt64LE(0).toString();
    case 0x32:
      return data.readUInt8(0) ? '1' : '0';
    case 0x3b:
      return float32Text(data.readFloatLE(0));
    case 0x3e:
      return String(data.readDoubleLE(0));
    case 0x3c:
      return moneyText(readMoney(data, 0));
    case 0x7a:
      return moneyText(BigInt(data.readInt32LE(0)));
    case 0x6a:
    case 0x6c:
      return decimalText(data.readUInt8(0) === 1, readUnsignedLE(data, 1, data.length - 1), props.readUInt8(1));
    case 0x3d: {
      // datetime: days since 1900-01-01, then 1/300 s ticks.
      const day = dateFromDays0001(data.readInt32LE(0) + 693595);
      const t = Math.round((data.readUInt32LE(4) * 10_000_000) / 300 / 10_000) * 10_000;
      return `${dateText(day)} ${timeText(t)}`;
    }
    case 0x3a: {
      const day = dateFromDays0001(data.readUInt16LE(0) + 693595);
      return `${dateText(day)} ${timeText(data.readUInt16LE(2) * 600_000_000)}`;
    }
    case 0x28:
      return dateText(dateFromDays0001(Number(readUnsignedLE(data, 0, 3))));
    case 0x29:
      return timeText(ticks(data, 0, data.length, props.readUInt8(0)));
    case 0x2a: {
      const timeLength = data.length - 3;
      return `${dateText(dateFromDays0001(Number(readUnsignedLE(data, timeLength, 3))))} ${timeText(ticks(data, 0, timeLength, props.readUInt8(0)))}`;
    }
    case 0x2b: {
      // datetimeoffset: UTC date and time, then the offset; printed in local time with the offset.
      const timeLength = data.length - 5;
      const offsetMinutes = data.readInt16LE(data.length - 2);
      const utcTicks = ticks(data, 0, timeLength, props.readUInt8(0));
      const dayTicks = 864_000_000_000;
      let local = utcTicks + offsetMinutes * 600_000_000;
      let days = Number(readUnsignedLE(data, timeLength, 3));
      if (local < 0) {
        local += dayTicks;
        days -= 1;
      } else if (local >= dayTicks) {
        local -= dayTicks;
        days += 1;
      }
      return `${dateText(dateFromDays0001(days))} ${timeText(local)} ${offsetText(offsetMinutes)}`;
    }
    case 0x24:
      return guidText(data).toUpperCase();
    case 0xad:
    case 0xa5:
      return `0x${data.toString('hex').toUpperCase()}`;
    case 0xaf:
    case 0xa7:
      return decodeChars(data, props.subarray(2, 7));
    case 0xef:
    case 0xe7:
      return data.toString('utf16le');
    default:
      return `0x${data.toString('hex').toUpperCase()}`;
  }
}

/** The text of uniqueidentifier bytes (first three groups little-endian), lower case. */
export function guidText(bytes: Buffer): string {
  const hex = (start: number, end: number, reverse: boolean): string => {
    const part = Buffer.from(bytes.subarray(start, end));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}
