import type { Column, ScalarColumnType, Value } from '@causeway/sdk';
import { HanaColumnMode, HanaTypeCode, type HanaColumnMetadata } from './hanaDriver.js';
import { bigintValue, decimalText, timestampText, timeText } from './hanaValues.js';

/** How a LOB column's bytes become a value: kept as bytes, or decoded as CESU-8 text. */
export type LobKind = 'binary' | 'text';

/** How one HANA type maps to a portable column type and value. */
export interface HanaTypeMapping {
  /** The SQL type name shown as `nativeType`. */
  nativeType: string;
  type: ScalarColumnType;
  /** Converts hdb's value (never null) to the SDK's form. LOB columns get the bytes read from the LOB. */
  convert: (value: unknown) => Value;
  /** Set for LOB columns: hdb returns a LOB object to be read with round trips of its own. */
  lob?: LobKind;
}

const asIs = (value: unknown): Value => value as Value;
// hdb copies every binary value into a Buffer of its own (a Uint8Array), so it is kept as it is.
const bytes = (value: unknown): Value => value as Buffer;

const T = HanaTypeCode;
type Row = [code: number, nativeType: string, type: ScalarColumnType, convert: (value: unknown) => Value, lob?: LobKind];

// With data format 8 (hanaDataFormat) the server sends DAYDATE, SECONDTIME, LONGDATE and FIXEDn;
// the older codes are mapped too in case a server negotiates a lower version.
const rows: Row[] = [
  [T.TINYINT, 'TINYINT', 'int16', asIs],
  [T.SMALLINT, 'SMALLINT', 'int16', asIs],
  [T.INT, 'INTEGER', 'int32', asIs],
  [T.BIGINT, 'BIGINT', 'int64', (v) => bigintValue(v as number | string)],
  [T.DECIMAL, 'DECIMAL', 'decimal', (v) => decimalText(v as string)],
  [T.FIXED8, 'DECIMAL', 'decimal', (v) => decimalText(v as string)],
  [T.FIXED12, 'DECIMAL', 'decimal', (v) => decimalText(v as string)],
  [T.FIXED16, 'DECIMAL', 'decimal', (v) => decimalText(v as string)],
  [T.REAL, 'REAL', 'float32', asIs],
  [T.DOUBLE, 'DOUBLE', 'float64', asIs],
  [T.CHAR, 'CHAR', 'string', asIs],
  [T.VARCHAR1, 'VARCHAR', 'string', asIs],
  [T.VARCHAR2, 'VARCHAR', 'string', asIs],
  [T.STRING, 'VARCHAR', 'string', asIs],
  [T.NCHAR, 'NCHAR', 'string', asIs],
  [T.NVARCHAR, 'NVARCHAR', 'string', asIs],
  [T.NSTRING, 'NVARCHAR', 'string', asIs],
  [T.SHORTTEXT, 'SHORTTEXT', 'string', asIs],
  [T.ALPHANUM, 'ALPHANUM', 'string', asIs],
  [T.BINARY, 'BINARY', 'binary', bytes],
  [T.VARBINARY, 'VARBINARY', 'binary', bytes],
  [T.BSTRING, 'VARBINARY', 'binary', bytes],
  [T.ST_GEOMETRY, 'ST_GEOMETRY', 'binary', bytes],
  [T.ST_POINT, 'ST_POINT', 'binary', bytes],
  [T.REAL_VECTOR, 'REAL_VECTOR', 'binary', bytes],
  [T.BLOB, 'BLOB', 'binary', bytes, 'binary'],
  [T.LOCATOR, 'BLOB', 'binary', bytes, 'binary'],
  [T.CLOB, 'CLOB', 'string', asIs, 'text'],
  [T.NCLOB, 'NCLOB', 'string', asIs, 'text'],
  [T.NLOCATOR, 'NCLOB', 'string', asIs, 'text'],
  [T.TEXT, 'TEXT', 'string', asIs, 'text'],
  [T.BINTEXT, 'BINTEXT', 'string', asIs, 'text'],
  [T.DATE, 'DATE', 'date', asIs],
  [T.DAYDATE, 'DATE', 'date', asIs],
  [T.TIME, 'TIME', 'time', (v) => timeText(v as string)],
  [T.SECONDTIME, 'TIME', 'time', (v) => timeText(v as string)],
  [T.TIMESTAMP, 'TIMESTAMP', 'timestamp', (v) => timestampText(v as string)],
  [T.LONGDATE, 'TIMESTAMP', 'timestamp', (v) => timestampText(v as string)],
  [T.SECONDDATE, 'SECONDDATE', 'timestamp', (v) => timestampText(v as string)],
  [T.BOOLEAN, 'BOOLEAN', 'boolean', asIs],
];

const mappings = new Map<number, HanaTypeMapping>();
for (const [code, nativeType, type, convert, lob] of rows) mappings.set(code, lob ? { nativeType, type, convert, lob } : { nativeType, type, convert });

/** The mapping for a HANA type code, or undefined for a code the connector does not know. */
export function hanaTypeMapping(code: number): HanaTypeMapping | undefined {
  return mappings.get(code);
}

// hdb has no reader for codes outside this map either, so such a column fails to parse in the
// driver; its text form is the best the connector could offer.
const unknownMapping: HanaTypeMapping = { nativeType: 'UNKNOWN', type: 'string', convert: (v) => String(v) };

/** The portable column and value conversion for one result column. */
export function columnFor(metadata: HanaColumnMetadata): { column: Column; mapping: HanaTypeMapping } {
  const found = mappings.get(metadata.dataType);
  const mapping = found ?? { ...unknownMapping, nativeType: `TYPE ${metadata.dataType}` };
  const column: Column = { name: metadata.columnDisplayName, type: mapping.type, nativeType: mapping.nativeType };
  if (metadata.mode & HanaColumnMode.OPTIONAL) column.nullable = true;
  else if (metadata.mode & HanaColumnMode.MANDATORY) column.nullable = false;
  return { column, mapping };
}

/** Every type code the map knows, for tests against hdb's own tables. */
export function knownHanaTypeCodes(): number[] {
  return [...mappings.keys()];
}
