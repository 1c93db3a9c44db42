import type { Value } from '@causeway/sdk';

// Lexical forms of XML Schema (part 2), with the whitespace XMLA may leave around numbers.
const integerText = /^[+-]?\d+$/;
const decimalText = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const floatText = /^[+-]?(\d+(\.\d*)?|\.\d+)([Ee][+-]?\d+)?$/;
const dateText = /^(-?\d{4,}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$/;
const dateTimeText = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;
const uuidText = /^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$/;

/** Reads `true`/`false`/`1`/`0`. */
export function parseXsdBoolean(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === 'true' || trimmed === '1') return true;
  if (trimmed === 'false' || trimmed === '0') return false;
  throw new Error(`"${clip(text)}" is not an xsd:boolean`);
}

/** Reads an integer that fits a JS number exactly (xsd:short, xsd:int and their unsigned kin). */
export function parseXsdSmallInteger(text: string): number {
  const trimmed = text.trim();
  if (!integerText.test(trimmed)) throw new Error(`"${clip(text)}" is not an integer`);
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) throw new Error(`"${clip(text)}" is out of range`);
  return value;
}

/** Reads an xsd:long exactly, as a bigint. */
export function parseXsdLong(text: string): bigint {
  const trimmed = text.trim();
  if (!integerText.test(trimmed)) throw new Error(`"${clip(text)}" is not an integer`);
  return BigInt(trimmed);
}

/** Keeps an xsd:decimal as its exact text (without a leading `+`). */
export function parseXsdDecimal(text: string): string {
  const trimmed = text.trim();
  if (!decimalText.test(trimmed)) throw new Error(`"${clip(text)}" is not an xsd:decimal`);
  return trimmed.startsWith('+') ? trimmed.slice(1) : trimmed;
}

/** Reads an xsd:double or xsd:float, including `INF`, `-INF` and `NaN`. */
export function parseXsdFloat(text: string): number {
  const trimmed = text.trim();
  if (trimmed === 'INF' || trimmed === '+INF') return Infinity;
  if (trimmed === '-INF') return -Infinity;
  if (trimmed === 'NaN') return NaN;
  if (!floatText.test(trimmed)) throw new Error(`"${clip(text)}" is not an xsd:double`);
  return Number(trimmed);
}

/** Reads an xsd:date as `YYYY-MM-DD` (a zone, which XMLA does not send, is dropped). */
export function parseXsdDate(text: string): string {
  const match = dateText.exec(text.trim());
  if (!match) throw new Error(`"${clip(text)}" is not an xsd:date`);
  return match[1]!;
}

/** True when an xsd:dateTime text carries a zone (`Z` or an offset). */
export function hasZone(text: string): boolean {
  return /(Z|[+-]\d{2}:\d{2})$/.test(text.trim());
}

/**
 * Reads an xsd:dateTime into the SDK's form: `YYYY-MM-DDTHH:MM:SS[.ffffff]`, with `Z` when `zoned`.
 * A text with an offset is moved to UTC; in a zoned column a text without one is taken as UTC; in a
 * column without zone a text with one is moved to UTC and written without it. Fractions keep at most
 * six digits (Analysis Services stores milliseconds), trailing zeros dropped.
 */
export function parseXsdDateTime(text: string, zoned: boolean): string {
  const match = dateTimeText.exec(text.trim());
  if (!match) throw new Error(`"${clip(text)}" is not an xsd:dateTime`);
  const [, year, month, day, hour, minute, second, fraction, zone] = match as unknown as string[];
  const digits = (fraction ?? '').slice(0, 6).replace(/0+$/, '');
  const fractionPart = digits ? `.${digits}` : '';
  let wall = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
  if (zone && zone !== 'Z') wall = shiftToUtc(year!, month!, day!, hour!, minute!, second!, zone);
  return `${wall}${fractionPart}${zoned ? 'Z' : ''}`;
}

function shiftToUtc(year: string, month: string, day: string, hour: string, minute: string, second: string, zone: string): string {
  const sign = zone.startsWith('-') ? -1 : 1;
  const offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute) - offsetMinutes, Number(second), 0);
  const y = date.getUTCFullYear();
  const yearText = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  return `${yearText}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

/** Decodes xsd:base64Binary (whitespace allowed). */
export function parseXsdBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw new Error('the value is not valid base64');
  return Buffer.from(compact, 'base64');
}

/** Decodes xsd:hexBinary. */
export function parseXsdHex(text: string): Uint8Array {
  const compact = text.trim();
  if (!/^([0-9A-Fa-f]{2})*$/.test(compact)) throw new Error('the value is not valid hexBinary');
  return Buffer.from(compact, 'hex');
}

/** Reads the rowset `uuid` type (a GUID, optionally in braces) in lower case. */
export function parseUuid(text: string): string {
  const match = uuidText.exec(text.trim());
  if (!match) throw new Error(`"${clip(text)}" is not a GUID`);
  return match[1]!.toLowerCase();
}

/** The text as it is. */
export function parseText(text: string): Value {
  return text;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

// Values in messages are cut short: they are data, and may be long.
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
