import type { Column, ScalarColumnType } from '@causeway/sdk';
import type { OracleDbType, OracleDbTypes, OracleFetchType, OracleFetchTypeHandler, OracleMetadata } from './oracleDriver.js';
import {
  formatIntervalDS,
  formatIntervalYM,
  formatLocalTimestamp,
  formatUtcTimestamp,
  normalizeDecimal,
  toJsonValue,
  type IntervalDayToSecond,
  type IntervalYearToMonth,
} from './oracleValues.js';

/** How one result column is fetched and what the consumer gets. */
export interface ColumnPlan {
  column: Column;
  /** The driver hands a LOB locator; its data is read (up to the size cap) as text or bytes. */
  lob?: 'string' | 'binary';
  /** The connector cannot return this type (object types, nested cursors, BFILE). */
  unsupported?: boolean;
}

interface Mapping {
  type: ScalarColumnType;
  /** The type to fetch as; the column's own type when absent (never left to the driver's global fetchAsString settings). */
  fetchAs?: OracleDbType;
  converter?: (value: unknown) => unknown;
  lob?: 'string' | 'binary';
  unsupported?: boolean;
}

const nullable =
  <T>(convert: (value: T) => unknown) =>
  (value: unknown): unknown =>
    value === null || value === undefined ? null : convert(value as T);

const toNumber = nullable<string>(Number);
const toBigInt = nullable<string>(BigInt);
const toDecimal = nullable<string>(normalizeDecimal);
const toLocal = nullable<Date>(formatLocalTimestamp);
const toUtc = nullable<Date>(formatUtcTimestamp);
const toText = nullable<unknown>(String);
const toVectorText = nullable<ArrayLike<number>>((value) => (ArrayBuffer.isView(value) ? JSON.stringify(Array.from(value)) : JSON.stringify(value)));

/**
 * NUMBER arrives from thin mode as exact text (fetched as VARCHAR so the driver never turns it into
 * a float). Integers of declared precision up to 18 (NUMBER(p) / NUMBER(p,0)) become int16, int32
 * or int64 by the precision; every other NUMBER (with a scale, unconstrained, FLOAT, INTEGER which
 * is NUMBER(38)) stays an exact decimal string.
 */
export function numberColumnType(metadata: Pick<OracleMetadata, 'precision' | 'scale'>): 'int16' | 'int32' | 'int64' | 'decimal' {
  const precision = metadata.precision ?? 0;
  if (metadata.scale !== 0 || precision < 1 || precision > 18) return 'decimal';
  if (precision <= 4) return 'int16';
  if (precision <= 9) return 'int32';
  return 'int64';
}

function numberMapping(metadata: OracleMetadata, types: OracleDbTypes): Mapping {
  const type = numberColumnType(metadata);
  const converter = type === 'decimal' ? toDecimal : type === 'int64' ? toBigInt : toNumber;
  return { type, fetchAs: types.DB_TYPE_VARCHAR, converter };
}

function mappingsFor(types: OracleDbTypes): Map<OracleDbType, Mapping | ((metadata: OracleMetadata) => Mapping)> {
  const string: Mapping = { type: 'string' };
  const binary: Mapping = { type: 'binary' };
  const timestamp: Mapping = { type: 'timestamp', converter: toLocal };
  const timestamptz: Mapping = { type: 'timestamptz', converter: toUtc };
  const unsupported: Mapping = { type: 'unknown', unsupported: true };
  return new Map<OracleDbType, Mapping | ((metadata: OracleMetadata) => Mapping)>([
    [types.DB_TYPE_NUMBER, (metadata) => numberMapping(metadata, types)],
    [types.DB_TYPE_BINARY_FLOAT, { type: 'float32' }],
    [types.DB_TYPE_BINARY_DOUBLE, { type: 'float64' }],
    [types.DB_TYPE_BINARY_INTEGER, { type: 'int32' }],
    [types.DB_TYPE_BOOLEAN, { type: 'boolean' }],
    [types.DB_TYPE_VARCHAR, string],
    [types.DB_TYPE_NVARCHAR, string],
    [types.DB_TYPE_CHAR, string],
    [types.DB_TYPE_NCHAR, string],
    [types.DB_TYPE_LONG, string],
    [types.DB_TYPE_LONG_NVARCHAR, string],
    [types.DB_TYPE_ROWID, string],
    [types.DB_TYPE_RAW, binary],
    [types.DB_TYPE_LONG_RAW, binary],
    [types.DB_TYPE_CLOB, { type: 'string', lob: 'string' }],
    [types.DB_TYPE_NCLOB, { type: 'string', lob: 'string' }],
    [types.DB_TYPE_BLOB, { type: 'binary', lob: 'binary' }],
    [types.DB_TYPE_DATE, timestamp],
    [types.DB_TYPE_TIMESTAMP, timestamp],
    [types.DB_TYPE_TIMESTAMP_TZ, timestamptz],
    [types.DB_TYPE_TIMESTAMP_LTZ, timestamptz],
    [types.DB_TYPE_INTERVAL_YM, { type: 'unknown', converter: nullable<IntervalYearToMonth>(formatIntervalYM) }],
    [types.DB_TYPE_INTERVAL_DS, { type: 'unknown', converter: nullable<IntervalDayToSecond>(formatIntervalDS) }],
    [types.DB_TYPE_JSON, { type: 'json', converter: nullable<unknown>(toJsonValue) }],
    // Thin mode's own (async) converter already returns XMLTYPE as its text; a converter of ours would get its promise.
    [types.DB_TYPE_XMLTYPE, { type: 'unknown' }],
    [types.DB_TYPE_VECTOR, { type: 'unknown', converter: toVectorText }],
    [types.DB_TYPE_OBJECT, unsupported],
    [types.DB_TYPE_CURSOR, unsupported],
    [types.DB_TYPE_BFILE, unsupported],
  ]);
}

const cache = new WeakMap<OracleDbTypes, ReturnType<typeof mappingsFor>>();

function mappingOf(metadata: OracleMetadata, types: OracleDbTypes): Mapping {
  let mappings = cache.get(types);
  if (!mappings) {
    mappings = mappingsFor(types);
    cache.set(types, mappings);
  }
  const found = mappings.get(metadata.dbType);
  if (!found) return { type: 'unknown', converter: toText };
  return typeof found === 'function' ? found(metadata) : found;
}

/**
 * The fetch type handler passed to every execute (never set globally on the driver): NUMBER as
 * text, then converted per column; datetimes formatted from the driver's Date; JSON normalised.
 */
export function createFetchTypeHandler(types: OracleDbTypes): OracleFetchTypeHandler {
  return (metadata) => {
    const mapping = mappingOf(metadata, types);
    const fetch: OracleFetchType = { type: mapping.fetchAs ?? metadata.dbType };
    if (mapping.converter) fetch.converter = mapping.converter;
    return fetch;
  };
}

/** The portable column and fetch plan for each column of a described query. */
export function planColumns(metaData: readonly OracleMetadata[], types: OracleDbTypes): ColumnPlan[] {
  return metaData.map((metadata) => {
    const mapping = mappingOf(metadata, types);
    const column: Column = { name: metadata.name, type: mapping.type, nativeType: metadata.dbTypeName ?? metadata.dbType.columnTypeName };
    if (typeof metadata.nullable === 'boolean') column.nullable = metadata.nullable;
    const plan: ColumnPlan = { column };
    if (mapping.lob) plan.lob = mapping.lob;
    if (mapping.unsupported) plan.unsupported = true;
    return plan;
  });
}

/** The portable types this connector produces (the manifest's `connector.columnTypes`). */
export const oracleColumnTypes: readonly ScalarColumnType[] = [
  'boolean', 'int16', 'int32', 'int64', 'float32', 'float64', 'decimal', 'string', 'binary', 'timestamp', 'timestamptz', 'json', 'unknown',
];
