import type { Column, ScalarColumnType, Value } from '@causeway/sdk';
import { dateText, timestampText, timeText, ticksOfDay } from './formatTemporal.js';

/** The column metadata tedious reports (COLMETADATA), as far as the type map reads it. */
export interface TediousColumnMetadata {
  colName: string;
  type: { name: string };
  dataLength?: number;
  precision?: number;
  scale?: number;
  /** Bit 0: nullable. */
  flags: number;
  udtInfo?: { typeName: string };
}

/** A result column and how to turn tedious's value for it into the SDK's value form. */
export interface ColumnMapping {
  column: Column;
  convert(value: unknown): Value;
}

type Converter = (value: unknown) => Value;

const asIs: Converter = (v) => v as Value;
const toBigInt: Converter = (v) => BigInt(v as string | number);
const toDate: Converter = (v) => dateText(v as Date);
const toTime: Converter = (v) => timeText(ticksOfDay(v as Date));
const toTimestamp: Converter = (v) => timestampText(v as Date);
const toTimestamptz: Converter = (v) => `${timestampText(v as Date)}Z`;
const toUuid: Converter = (v) => (v as string).toLowerCase();
const toHex: Converter = (v) => `0x${(v as Buffer).toString('hex').toUpperCase()}`;
const toText: Converter = (v) => (typeof v === 'string' ? v : String(v));

// tedious type name → [portable type, native name, converter]. Decimal, money and sql_variant
// values arrive as exact text from exactValues.ts; dates with `useUTC`.
const byTypeName: Record<string, [ScalarColumnType, string, Converter]> = {
  Bit: ['boolean', 'bit', asIs],
  BitN: ['boolean', 'bit', asIs],
  TinyInt: ['int16', 'tinyint', asIs],
  SmallInt: ['int16', 'smallint', asIs],
  Int: ['int32', 'int', asIs],
  BigInt: ['int64', 'bigint', toBigInt],
  Real: ['float32', 'real', asIs],
  Float: ['float64', 'float', asIs],
  DecimalN: ['decimal', 'decimal', asIs],
  NumericN: ['decimal', 'numeric', asIs],
  Money: ['decimal', 'money', asIs],
  SmallMoney: ['decimal', 'smallmoney', asIs],
  Char: ['string', 'char', asIs],
  VarChar: ['string', 'varchar', asIs],
  NChar: ['string', 'nchar', asIs],
  NVarChar: ['string', 'nvarchar', asIs],
  Text: ['string', 'text', asIs],
  NText: ['string', 'ntext', asIs],
  Xml: ['string', 'xml', asIs],
  Binary: ['binary', 'binary', asIs],
  VarBinary: ['binary', 'varbinary', asIs],
  Image: ['binary', 'image', asIs],
  Date: ['date', 'date', toDate],
  Time: ['time', 'time', toTime],
  DateTime: ['timestamp', 'datetime', toTimestamp],
  SmallDateTime: ['timestamp', 'smalldatetime', toTimestamp],
  DateTime2: ['timestamp', 'datetime2', toTimestamp],
  DateTimeOffset: ['timestamptz', 'datetimeoffset', toTimestamptz],
  UniqueIdentifier: ['uuid', 'uniqueidentifier', toUuid],
  Variant: ['unknown', 'sql_variant', toText],
};

// The nullable "N" forms carry the width in dataLength.
function resolveNType(meta: TediousColumnMetadata): string {
  switch (meta.type.name) {
    case 'IntN':
      return ({ 1: 'TinyInt', 2: 'SmallInt', 4: 'Int', 8: 'BigInt' } as Record<number, string>)[meta.dataLength ?? 4] ?? 'Int';
    case 'FloatN':
      return meta.dataLength === 4 ? 'Real' : 'Float';
    case 'MoneyN':
      return meta.dataLength === 4 ? 'SmallMoney' : 'Money';
    case 'DateTimeN':
      return meta.dataLength === 4 ? 'SmallDateTime' : 'DateTime';
    default:
      return meta.type.name;
  }
}

function nativeType(name: string, meta: TediousColumnMetadata): string {
  switch (name) {
    case 'decimal':
    case 'numeric':
      return `${name}(${meta.precision ?? 18},${meta.scale ?? 0})`;
    case 'time':
    case 'datetime2':
    case 'datetimeoffset':
      return `${name}(${meta.scale ?? 7})`;
    case 'char':
    case 'varchar':
    case 'binary':
    case 'varbinary':
      return `${name}(${meta.dataLength === 0xffff ? 'max' : (meta.dataLength ?? 1)})`;
    case 'nchar':
    case 'nvarchar':
      return `${name}(${meta.dataLength === 0xffff ? 'max' : (meta.dataLength ?? 2) / 2})`;
    default:
      return name;
  }
}

/**
 * The portable column for a result column, and its value converter: bit → boolean, tinyint and
 * smallint → int16, int → int32, bigint → int64 (bigint), decimal/numeric/money/smallmoney → exact
 * decimal text, real → float32, float → float64, character and xml types → string, binary types →
 * binary, date → date, time → time, datetime/smalldatetime/datetime2 → timestamp, datetimeoffset →
 * timestamptz in UTC, uniqueidentifier → lower-case uuid, sql_variant → unknown (its text),
 * anything else (CLR types such as geography or hierarchyid) → unknown as `0x…` hex of its bytes.
 * `nativeType` is the SQL Server declaration (`decimal(38,10)`, `nvarchar(max)`).
 */
export function columnMapping(meta: TediousColumnMetadata): ColumnMapping {
  const resolved = resolveNType(meta);
  const entry = byTypeName[resolved];
  const nullable = (meta.flags & 0x01) === 0x01;
  if (!entry) {
    const native = meta.udtInfo?.typeName ?? meta.type.name.toLowerCase();
    return { column: { name: meta.colName, type: 'unknown', nativeType: native, nullable }, convert: nullSafe(toHex) };
  }
  const [type, native, convert] = entry;
  return { column: { name: meta.colName, type, nativeType: nativeType(native, meta), nullable }, convert: convert === asIs ? asIs : nullSafe(convert) };
}

function nullSafe(convert: Converter): Converter {
  return (v) => (v === null || v === undefined ? null : convert(v));
}
