import type { Column, ScalarColumnType } from '@causeway/sdk';
import type { CustomTypesConfig } from 'pg';
import { parsePgArray } from './parsePgArray.js';
import {
  parseBigInt,
  parseBoolean,
  parseBytea,
  parseDate,
  parseJson,
  parseFloatText,
  parseInteger,
  parseText,
  parseTimestamp,
  parseTimestamptz,
} from './pgTextParsers.js';

/** How one PostgreSQL type (by OID) maps to a portable column type and value. */
export interface PgTypeMapping {
  /** `pg_type.typname`. */
  nativeType: string;
  type: ScalarColumnType | 'array';
  elementType?: ScalarColumnType;
  parse: (text: string) => unknown;
}

type Scalar = [oid: number, name: string, type: ScalarColumnType, parse: (text: string) => unknown];

// Built-in OIDs are fixed by PostgreSQL (pg_type.dat); typeMap.test.ts checks them against the server.
const scalars: Scalar[] = [
  [16, 'bool', 'boolean', parseBoolean],
  [17, 'bytea', 'binary', parseBytea],
  [18, 'char', 'string', parseText],
  [19, 'name', 'string', parseText],
  [20, 'int8', 'int64', parseBigInt],
  [21, 'int2', 'int16', parseInteger],
  [23, 'int4', 'int32', parseInteger],
  [25, 'text', 'string', parseText],
  [114, 'json', 'json', parseJson],
  [700, 'float4', 'float32', parseFloatText],
  [701, 'float8', 'float64', parseFloatText],
  [1042, 'bpchar', 'string', parseText],
  [1043, 'varchar', 'string', parseText],
  [1082, 'date', 'date', parseDate],
  [1083, 'time', 'time', parseText],
  [1114, 'timestamp', 'timestamp', parseTimestamp],
  [1184, 'timestamptz', 'timestamptz', parseTimestamptz],
  [1700, 'numeric', 'decimal', parseText],
  [2950, 'uuid', 'uuid', parseText],
  [3802, 'jsonb', 'json', parseJson],
];

// [array oid, element oid]
const arrays: Array<[number, number]> = [
  [1000, 16], [1001, 17], [1002, 18], [1003, 19], [1016, 20], [1005, 21], [1007, 23], [1009, 25],
  [199, 114], [1021, 700], [1022, 701], [1014, 1042], [1015, 1043], [1182, 1082], [1183, 1083],
  [1115, 1114], [1185, 1184], [1231, 1700], [2951, 2950], [3807, 3802],
];

// Names of common built-in types without a portable mapping, so `nativeType` still reads well.
const unmappedNames: Array<[number, string]> = [
  [26, 'oid'], [142, 'xml'], [600, 'point'], [650, 'cidr'], [705, 'unknown'], [790, 'money'], [829, 'macaddr'],
  [869, 'inet'], [1186, 'interval'], [1187, '_interval'], [1266, 'timetz'], [1270, '_timetz'], [1560, 'bit'],
  [1562, 'varbit'], [2278, 'void'], [3614, 'tsvector'], [3904, 'int4range'], [3926, 'int8range'], [4072, 'jsonpath'],
];

const mappings = new Map<number, PgTypeMapping>();
for (const [oid, nativeType, type, parse] of scalars) mappings.set(oid, { nativeType, type, parse });
for (const [oid, elementOid] of arrays) {
  const element = mappings.get(elementOid);
  if (!element || element.type === 'array') throw new Error(`typeMap: array ${oid} names unmapped element ${elementOid}`);
  const parseElement = element.parse;
  mappings.set(oid, {
    nativeType: '_' + element.nativeType,
    type: 'array',
    elementType: element.type,
    parse: (text) => parsePgArray(text, parseElement),
  });
}
const names = new Map<number, string>(unmappedNames);

/** The mapping for a type OID, or undefined when the type is returned as `unknown` text. */
export function pgTypeMapping(oid: number): PgTypeMapping | undefined {
  return mappings.get(oid);
}

/** The portable column for a result field (name and type OID from the row description). */
export function columnForField(field: { name: string; dataTypeID: number }): Column {
  const mapping = mappings.get(field.dataTypeID);
  if (!mapping) return { name: field.name, type: 'unknown', nativeType: names.get(field.dataTypeID) ?? `oid:${field.dataTypeID}` };
  const column: Column = { name: field.name, type: mapping.type, nativeType: mapping.nativeType };
  if (mapping.elementType) column.elementType = mapping.elementType;
  return column;
}

/**
 * The `types` option for a pg query or cursor: per-query parsers, so the process-wide pg type
 * registry is never touched and two hosts in one process cannot disturb each other.
 */
export const pgTypeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number) => mappings.get(oid)?.parse ?? parseText) as CustomTypesConfig['getTypeParser'],
};

/** Every OID the map knows with its name, for checks against a live server's catalogue. */
export function knownPgTypes(): ReadonlyArray<{ oid: number; nativeType: string }> {
  return [...mappings].map(([oid, m]) => ({ oid, nativeType: m.nativeType })).concat(unmappedNames.map(([oid, nativeType]) => ({ oid, nativeType })));
}
