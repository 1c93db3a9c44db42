import type { Column, ScalarColumnType, Value } from '@causeway/sdk';
import {
  parseText,
  parseUuid,
  parseXsdBase64,
  parseXsdBoolean,
  parseXsdDate,
  parseXsdDateTime,
  parseXsdDecimal,
  parseXsdFloat,
  parseXsdHex,
  parseXsdLong,
  parseXsdSmallInteger,
} from './parseXsdValue.js';

/** How one rowset column's XSD type maps to a portable column type and value. */
export interface XsdTypeMapping {
  type: ScalarColumnType;
  /** The XSD type as the rowset schema names it (`xsd:long`, `uuid`), for display. */
  nativeType: string;
  parse(text: string): Value;
}

type Entry = [type: ScalarColumnType, parse: (text: string) => Value];

// By local name in the XML Schema namespace. Unsigned types move up one size so every value fits;
// xsd:unsignedLong and xsd:integer can exceed int64 and stay exact as decimals.
const xsdTypes: Record<string, Entry> = {
  boolean: ['boolean', parseXsdBoolean],
  byte: ['int16', parseXsdSmallInteger],
  unsignedByte: ['int16', parseXsdSmallInteger],
  short: ['int16', parseXsdSmallInteger],
  unsignedShort: ['int32', parseXsdSmallInteger],
  int: ['int32', parseXsdSmallInteger],
  unsignedInt: ['int64', parseXsdLong],
  long: ['int64', parseXsdLong],
  unsignedLong: ['decimal', parseXsdDecimal],
  integer: ['decimal', parseXsdDecimal],
  decimal: ['decimal', parseXsdDecimal],
  double: ['float64', parseXsdFloat],
  float: ['float32', parseXsdFloat],
  string: ['string', parseText],
  date: ['date', parseXsdDate],
  dateTime: ['timestamp', (text) => parseXsdDateTime(text, false)],
  base64Binary: ['binary', parseXsdBase64],
  hexBinary: ['binary', parseXsdHex],
};

const unknownMapping = (nativeType: string): XsdTypeMapping => ({ type: 'unknown', nativeType, parse: parseText });

/**
 * The mapping for a rowset column's type. `type` is `xsd:<local>` for a type of the XML Schema
 * namespace (whatever prefix the document used), a bare name for a type the rowset schema declares
 * itself (`uuid`, `xmlDocument`), or undefined when the element has no type (a DAX variant column):
 * those, and any type not listed, are `unknown` and keep the server's text. `zoned` makes an
 * xsd:dateTime column `timestamptz` (see `parseXsdDateTime`).
 */
export function xsdTypeMapping(type: string | undefined, zoned = false): XsdTypeMapping {
  if (type === undefined) return unknownMapping('variant');
  if (type === 'uuid') return { type: 'uuid', nativeType: 'uuid', parse: parseUuid };
  if (!type.startsWith('xsd:')) return unknownMapping(type);
  const local = type.slice(4);
  if (local === 'dateTime' && zoned) return { type: 'timestamptz', nativeType: type, parse: (text) => parseXsdDateTime(text, true) };
  const entry = xsdTypes[local];
  if (!entry) return unknownMapping(type);
  return { type: entry[0], nativeType: type, parse: entry[1] };
}

/** The portable column for a rowset column. */
export function columnFor(name: string, mapping: XsdTypeMapping): Column {
  return { name, type: mapping.type, nativeType: mapping.nativeType };
}

/** The portable column types this connector produces (the manifest's `connector.columnTypes`). */
export const producedColumnTypes: readonly ScalarColumnType[] = [
  'boolean', 'int16', 'int32', 'int64', 'float32', 'float64', 'decimal', 'string', 'binary', 'date', 'timestamp', 'timestamptz', 'uuid', 'unknown',
];
