import type { Column, ColumnType, Row, Value } from '@causeway/sdk';

/**
 * What the connector reads from a mysql2 column definition. mysql2's own `FieldPacket` typing
 * leaves these optional; on a column definition from the server they are always set.
 */
export interface MysqlField {
  name: string;
  columnType: number;
  flags: number;
  characterSet: number;
  columnLength: number;
  decimals: number;
  /** MariaDB extended metadata (10.5+): `uuid`, `inet4`, `inet6`, `point`, ... */
  extendedTypeName?: string;
  /** MariaDB extended metadata: `json` for JSON columns and JSON functions (stored as LONGTEXT). */
  extendedFormat?: string;
}

/** Options of the type map that a data source's settings choose. */
export interface TypeMapOptions {
  /** `tinyint(1)` as boolean (default) or as int16. */
  tinyint1AsBoolean: boolean;
}

/** Wire type codes (include/mysql_com.h, enum_field_types). */
export const MysqlType = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  NEWDATE: 0x0e,
  VARCHAR: 0x0f,
  BIT: 0x10,
  VECTOR: 0xf2,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
  GEOMETRY: 0xff,
} as const;

const NOT_NULL_FLAG = 1;
const UNSIGNED_FLAG = 32;
const ENUM_FLAG = 256;
const SET_FLAG = 2048;
/** Character set number 63: the `binary` pseudo character set of BINARY, VARBINARY, BLOB, BIT. */
const BINARY_CHARSET = 63;

type Convert = (value: unknown) => Value;

interface Mapping {
  type: ColumnType;
  nativeType: string;
  /** Turns mysql2's value (never null here) into the SDK's value form; absent when mysql2's value already is one. */
  convert?: Convert;
}

/**
 * How each server type becomes a portable type. mysql2 runs with `supportBigNumbers`,
 * `dateStrings` and `jsonStrings`, so nothing arrives as a JS float it was not on the server, or as
 * a Date. Decisions (MySQL has no exact counterpart for some portable types):
 *
 * - `tinyint(1)` is MySQL's BOOL: boolean, any non-zero value being `true` (the setting
 *   `tinyint1AsBoolean: false` keeps it int16). Other TINYINTs and YEAR are int16, SMALLINT is
 *   int16 (int32 when UNSIGNED), MEDIUMINT int32, INT int32 (int64 when UNSIGNED), BIGINT int64 as a
 *   bigint, signed or not.
 * - FLOAT is float32, given as the shortest decimal that reads back as the same single-precision
 *   value (0.1, not 0.10000000149011612); DOUBLE is float64; DECIMAL is the exact text.
 * - DATE is `YYYY-MM-DD`; DATETIME is a timestamp `YYYY-MM-DDTHH:MM:SS[.ffffff]`; TIMESTAMP is a
 *   timestamptz in UTC (the session's time_zone is `+00:00`). Fractional seconds lose their trailing
 *   zeros. Zero dates (`0000-00-00`, `2024-00-00`, allowed without NO_ZERO_DATE) do not fail and are
 *   not turned into NULL: they pass through in the same shape (`0000-00-00`,
 *   `0000-00-00T00:00:00`), so a consumer can tell them from NULL.
 * - TIME is `unknown` (the server's text, e.g. `-838:59:59.5`): it is a signed duration of up to
 *   838 hours, not a time of day, so it cannot honour the `time` form.
 * - BIT(1) is boolean; wider BITs are binary (the big-endian bytes the server sends), since
 *   BIT(64) does not fit a signed int64.
 * - JSON is the parsed value: MySQL's JSON type, and MariaDB's JSON (a LONGTEXT with a JSON_VALID
 *   check) recognised by the `json` format in MariaDB's extended column metadata (10.5.2+). Text
 *   that does not parse stays a string.
 * - MariaDB's UUID type is uuid (lower case); INET4/INET6 are strings.
 * - CHAR, VARCHAR, TEXT, ENUM and SET are strings; a `_bin` collation is still text. Columns in
 *   the `binary` character set (BINARY, VARBINARY, BLOB) are binary, and so are GEOMETRY (SRID and
 *   WKB as stored) and VECTOR.
 * - The NULL type of `SELECT NULL` is `unknown` (every value is null).
 */
export function mysqlTypeMapping(field: MysqlField, options: TypeMapOptions): Mapping {
  const unsigned = (field.flags & UNSIGNED_FLAG) !== 0;
  const binary = field.characterSet === BINARY_CHARSET;
  const suffix = unsigned ? ' unsigned' : '';
  if (field.extendedFormat === 'json') return { type: 'json', nativeType: 'json', convert: parseJson };
  switch (field.extendedTypeName) {
    case 'uuid':
      return { type: 'uuid', nativeType: 'uuid', convert: lowerCase };
    case 'inet4':
    case 'inet6':
      return { type: 'string', nativeType: field.extendedTypeName };
    default:
      break;
  }
  switch (field.columnType) {
    case MysqlType.TINY:
      if (field.columnLength === 1 && options.tinyint1AsBoolean) return { type: 'boolean', nativeType: 'tinyint(1)', convert: nonZero };
      return { type: 'int16', nativeType: `tinyint${suffix}` };
    case MysqlType.SHORT:
      return { type: unsigned ? 'int32' : 'int16', nativeType: `smallint${suffix}` };
    case MysqlType.INT24:
      return { type: 'int32', nativeType: `mediumint${suffix}` };
    case MysqlType.LONG:
      return unsigned ? { type: 'int64', nativeType: 'int unsigned', convert: toBigInt } : { type: 'int32', nativeType: 'int' };
    case MysqlType.LONGLONG:
      return { type: 'int64', nativeType: `bigint${suffix}`, convert: toBigInt };
    case MysqlType.YEAR:
      return { type: 'int16', nativeType: 'year' };
    case MysqlType.FLOAT:
      return { type: 'float32', nativeType: 'float', convert: shortestFloat32 };
    case MysqlType.DOUBLE:
      return { type: 'float64', nativeType: 'double' };
    case MysqlType.DECIMAL:
    case MysqlType.NEWDECIMAL:
      return { type: 'decimal', nativeType: 'decimal' };
    case MysqlType.DATE:
    case MysqlType.NEWDATE:
      return { type: 'date', nativeType: 'date' };
    case MysqlType.DATETIME:
      return { type: 'timestamp', nativeType: 'datetime', convert: toTimestamp };
    case MysqlType.TIMESTAMP:
      return { type: 'timestamptz', nativeType: 'timestamp', convert: toTimestamptz };
    case MysqlType.TIME:
      return { type: 'unknown', nativeType: 'time', convert: trimFraction };
    case MysqlType.BIT:
      return field.columnLength === 1 ? { type: 'boolean', nativeType: 'bit(1)', convert: firstByteNonZero } : { type: 'binary', nativeType: 'bit' };
    case MysqlType.JSON:
      return { type: 'json', nativeType: 'json', convert: parseJson };
    case MysqlType.ENUM:
      return { type: 'string', nativeType: 'enum' };
    case MysqlType.SET:
      return { type: 'string', nativeType: 'set' };
    case MysqlType.STRING:
      if (field.flags & ENUM_FLAG) return { type: 'string', nativeType: 'enum' };
      if (field.flags & SET_FLAG) return { type: 'string', nativeType: 'set' };
      return binary ? { type: 'binary', nativeType: 'binary' } : { type: 'string', nativeType: 'char' };
    case MysqlType.VARCHAR:
    case MysqlType.VAR_STRING:
      return binary ? { type: 'binary', nativeType: 'varbinary' } : { type: 'string', nativeType: 'varchar' };
    case MysqlType.TINY_BLOB:
    case MysqlType.MEDIUM_BLOB:
    case MysqlType.LONG_BLOB:
    case MysqlType.BLOB:
      return binary ? { type: 'binary', nativeType: 'blob' } : { type: 'string', nativeType: 'text' };
    case MysqlType.GEOMETRY:
      return { type: 'binary', nativeType: field.extendedTypeName ?? 'geometry' };
    case MysqlType.VECTOR:
      return { type: 'binary', nativeType: 'vector' };
    case MysqlType.NULL:
      return { type: 'unknown', nativeType: 'null' };
    default:
      // A type this map does not know: bytes stay bytes, text stays text.
      return binary ? { type: 'binary', nativeType: `type:${field.columnType}` } : { type: 'unknown', nativeType: `type:${field.columnType}` };
  }
}

/** The portable column for a result field. */
export function columnForField(field: MysqlField, options: TypeMapOptions): Column {
  const { type, nativeType } = mysqlTypeMapping(field, options);
  return { name: field.name, type, nativeType, nullable: (field.flags & NOT_NULL_FLAG) === 0 };
}

/** Turns rows as mysql2 reads them into rows of SDK values, in place. */
export interface RowConverter {
  columns: Column[];
  /** Converts one row (a fresh array from mysql2) in place and returns it. */
  convert(row: unknown[]): Row;
  /**
   * True when a column must be read as raw bytes (GEOMETRY, VECTOR), which mysql2 would otherwise
   * decode into objects; the caller then installs `rawBytesTypeCast` for the statement.
   */
  needsRawBytes: boolean;
  /**
   * Columns (indexes) whose DATETIME or TIMESTAMP values this converter formats from the binary
   * protocol's raw bytes; the caller has mysql2 read them as bytes (`readFieldsAsBytes`). Empty
   * unless `binaryDateTimes` was asked for.
   */
  rawDateTimes: readonly number[];
}

/** How `createRowConverter` reads values. */
export interface RowConverterOptions {
  /**
   * The result comes over the binary (prepared statement) protocol and DATETIME and TIMESTAMP are
   * to be formatted here from their raw bytes: mysql2's date-string formatting (several padded
   * strings and joins per value) cost more host CPU than any other column in the MariaDB
   * throughput bench (docs/performance.md).
   */
  binaryDateTimes?: boolean;
}

/** Builds the converter for one result's columns: only columns whose mysql2 value is not already exact pay a call per value. */
export function createRowConverter(fields: readonly MysqlField[], options: TypeMapOptions, converterOptions: RowConverterOptions = {}): RowConverter {
  const columns: Column[] = [];
  const indexes: number[] = [];
  const converts: Convert[] = [];
  const rawDateTimes: number[] = [];
  let needsRawBytes = false;
  fields.forEach((field, index) => {
    const mapping = mysqlTypeMapping(field, options);
    columns.push({ name: field.name, type: mapping.type, nativeType: mapping.nativeType, nullable: (field.flags & NOT_NULL_FLAG) === 0 });
    const rawDateTime = converterOptions.binaryDateTimes === true && (mapping.convert === toTimestamp || mapping.convert === toTimestamptz);
    if (rawDateTime) rawDateTimes.push(index);
    const convert = rawDateTime ? (mapping.convert === toTimestamptz ? binaryTimestamptz : binaryDateTimeToIso) : mapping.convert;
    if (convert) {
      indexes.push(index);
      converts.push(convert);
    }
    if (field.columnType === MysqlType.GEOMETRY || field.columnType === MysqlType.VECTOR) needsRawBytes = true;
  });
  const count = indexes.length;
  return {
    columns,
    needsRawBytes,
    rawDateTimes,
    convert(row) {
      for (let i = 0; i < count; i++) {
        const index = indexes[i]!;
        const value = row[index];
        if (value !== null && value !== undefined) row[index] = converts[i]!(value);
      }
      return row as Row;
    },
  };
}

/**
 * Makes mysql2 read the given columns of a binary-protocol result as their raw value bytes. mysql2
 * compiles its row parser from the column definitions right after the `fields` event; a DATETIME
 * or TIMESTAMP value in a binary row is a length byte then that many bytes, the same layout as a
 * length-coded byte string, so retyping the definition as a binary-charset BLOB hands over the
 * bytes unchanged. Call it only from the `fields` event of an `execute()`, after the converter was
 * built from the original definitions (the definitions are fresh objects per execution).
 */
export function readFieldsAsBytes(fields: MysqlField[], indexes: readonly number[]): void {
  for (const index of indexes) {
    const field = fields[index]!;
    field.columnType = MysqlType.BLOB;
    field.characterSet = BINARY_CHARSET;
  }
}

const twoDigits = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : String(n)));
const pad2 = (n: number): string => twoDigits[n] ?? String(n);

/**
 * A binary-protocol DATETIME or TIMESTAMP value (length 0, 4, 7 or 11: year u16 LE, month, day,
 * hour, minute, second, microseconds u32 LE) as `YYYY-MM-DDTHH:MM:SS[.ffffff]` without trailing
 * zeros in the fraction: the same text `toTimestamp` makes of mysql2's date strings. Length 0 is
 * the zero date.
 */
export function binaryDateTimeToIso(value: unknown): string {
  const b = value as Uint8Array;
  const length = b.length;
  if (length < 4) return '0000-00-00T00:00:00';
  const year = b[0]! | (b[1]! << 8);
  const date = `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(b[2]!)}-${pad2(b[3]!)}T`;
  if (length < 7) return `${date}00:00:00`;
  const time = `${date}${pad2(b[4]!)}:${pad2(b[5]!)}:${pad2(b[6]!)}`;
  if (length < 11) return time;
  let micro = (b[7]! | (b[8]! << 8) | (b[9]! << 16) | (b[10]! << 24)) >>> 0;
  if (micro === 0) return time;
  let digits = 6;
  while (micro % 10 === 0) {
    micro /= 10;
    digits -= 1;
  }
  return `${time}.${String(micro).padStart(digits, '0')}`;
}

/** A binary-protocol TIMESTAMP read in a UTC session to `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`. */
export function binaryTimestamptz(value: unknown): string {
  return binaryDateTimeToIso(value) + 'Z';
}

/** A mysql2 `typeCast` that reads GEOMETRY and VECTOR columns as their raw bytes and leaves every other column to mysql2. */
export function rawBytesTypeCast(field: { type: string; buffer(): Buffer | null }, next: () => unknown): unknown {
  return field.type === 'GEOMETRY' || field.type === 'VECTOR' ? field.buffer() : next();
}

/** A BIGINT (a safe-integer number, or exact text beyond 2^53) or an INT UNSIGNED number to a bigint. */
export function toBigInt(value: unknown): bigint {
  return BigInt(value as string | number);
}

/** A tinyint(1) to a boolean: any non-zero value is true. */
export function nonZero(value: unknown): boolean {
  return value !== 0;
}

/** BIT(1) bytes to a boolean. */
export function firstByteNonZero(value: unknown): boolean {
  return (value as Uint8Array)[0] !== 0;
}

/**
 * A FLOAT to the shortest decimal that reads back as the same single-precision value. The binary
 * protocol gives the exact single (0.10000000149011612 for 0.1); the text protocol the server's
 * rounding (6 significant digits), which this maps to the nearest single first.
 */
export function shortestFloat32(value: unknown): number {
  const single = Math.fround(value as number);
  if (!Number.isFinite(single)) return single;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return Number(single.toPrecision(9));
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` to `YYYY-MM-DDTHH:MM:SS[.ffffff]`, without trailing zeros in the fraction. */
export function toTimestamp(value: unknown): string {
  const text = value as string;
  const iso = text.charCodeAt(10) === 32 ? text.slice(0, 10) + 'T' + text.slice(11) : text;
  return iso.charCodeAt(iso.length - 1) === 48 && iso.length > 19 ? trimFraction(iso) : iso;
}

/** A TIMESTAMP read in a UTC session to `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`. */
export function toTimestamptz(value: unknown): string {
  return toTimestamp(value) + 'Z';
}

/** Drops trailing zeros of fractional seconds, and the dot when nothing is left (`12:00:00.500` → `12:00:00.5`). */
export function trimFraction(value: unknown): string {
  const text = value as string;
  const dot = text.indexOf('.');
  if (dot < 0) return text;
  let end = text.length;
  while (end > dot + 1 && text.charCodeAt(end - 1) === 48) end -= 1;
  return end === dot + 1 ? text.slice(0, dot) : text.slice(0, end);
}

/** JSON text to the parsed value; text that does not parse stays a string. */
export function parseJson(value: unknown): Value {
  try {
    return JSON.parse(value as string) as Value;
  } catch {
    return value as string;
  }
}

function lowerCase(value: unknown): string {
  return (value as string).toLowerCase();
}
