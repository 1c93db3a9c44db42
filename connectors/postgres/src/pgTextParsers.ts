/**
 * Parsers from PostgreSQL's text output (DateStyle ISO, bytea_output hex, TimeZone UTC, which the
 * connector sets at logon) to the SDK's value forms. They run once per value on the hot path, so
 * the common shapes take a fixed-offset fast path and only unusual values (BC, years past 9999,
 * non-UTC offsets) take the slow one. None of them throws: pg calls them inside its socket handler.
 */

/** `t`/`f` to a boolean. */
export function parseBoolean(text: string): boolean {
  return text === 't';
}

/** int2/int4 text to a number; a digit loop, about twice as fast as `Number` on the hot path. */
export function parseInteger(text: string): number {
  let value = 0;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  for (; i < text.length; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return text.charCodeAt(0) === 45 ? -value : value;
}

/** Float text (including `NaN`, `Infinity`, `-Infinity`, exponents) to a number. */
export function parseFloatText(text: string): number {
  return Number(text);
}

/** int8 text to a bigint. */
export function parseBigInt(text: string): bigint {
  return BigInt(text);
}

/** Returns the text unchanged (numeric, text, uuid, time, and every type without a mapping). */
export function parseText(text: string): string {
  return text;
}

/** json/jsonb text to the parsed value; the server only stores valid JSON, so failure keeps the text. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** bytea text (hex `\x0a0b`, or the legacy escape format) to bytes. */
export function parseBytea(text: string): Uint8Array {
  if (text.charCodeAt(0) === 92 && text.charCodeAt(1) === 120) return Buffer.from(text.slice(2), 'hex');
  return parseByteaEscape(text);
}

function parseByteaEscape(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 92) {
      bytes.push(code);
    } else if (text.charCodeAt(i + 1) === 92) {
      bytes.push(92);
      i += 1;
    } else {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Uint8Array.from(bytes);
}

/** date text to `YYYY-MM-DD` (astronomical years: 44 BC is `-0043`; past 9999 gets a `+`); `infinity` passes through. */
export function parseDate(text: string): string {
  if (text.length === 10) return text;
  if (text === 'infinity' || text === '-infinity') return text;
  const bc = text.endsWith(' BC');
  const body = bc ? text.slice(0, -3) : text;
  const firstDash = body.indexOf('-');
  const year = bc ? 1 - Number(body.slice(0, firstDash)) : Number(body.slice(0, firstDash));
  return formatYear(year) + body.slice(firstDash);
}

/** timestamp text to `YYYY-MM-DDTHH:MM:SS[.ffffff]`, keeping every fractional digit. */
export function parseTimestamp(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  if (text.charCodeAt(10) === 32 && last >= 48 && last <= 57) return text.slice(0, 10) + 'T' + text.slice(11);
  if (text === 'infinity' || text === '-infinity') return text;
  const bc = text.endsWith(' BC');
  const body = bc ? text.slice(0, -3) : text;
  const space = body.indexOf(' ');
  return parseDate(body.slice(0, space) + (bc ? ' BC' : '')) + 'T' + body.slice(space + 1);
}

/**
 * timestamptz text to UTC `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`. The session runs in UTC, so the
 * server prints `+00`; any other offset (a query that changed TimeZone) is converted exactly.
 */
export function parseTimestamptz(text: string): string {
  const n = text.length;
  if (text.charCodeAt(10) === 32 && text.charCodeAt(n - 3) === 43 && text.charCodeAt(n - 2) === 48 && text.charCodeAt(n - 1) === 48) {
    return text.slice(0, 10) + 'T' + text.slice(11, n - 3) + 'Z';
  }
  if (text === 'infinity' || text === '-infinity') return text;
  return convertTimestamptz(text);
}

function convertTimestamptz(text: string): string {
  const bc = text.endsWith(' BC');
  const body = bc ? text.slice(0, -3) : text;
  const space = body.indexOf(' ');
  const [yearText = '0', monthText = '1', dayText = '1'] = body.slice(0, space).split('-');
  const clock = body.slice(space + 1);
  const signAt = clock.search(/[+-]/);
  const time = clock.slice(0, signAt);
  const offset = clock.slice(signAt);
  const [hourText = '0', minuteText = '0', secondText = '0'] = time.split(':');
  const dot = secondText.indexOf('.');
  const fraction = dot < 0 ? '' : secondText.slice(dot);
  const [offsetHours = '0', offsetMinutes = '0', offsetSeconds = '0'] = offset.slice(1).split(':');
  const offsetTotal = (offset[0] === '-' ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60 + Number(offsetSeconds));
  const year = bc ? 1 - Number(yearText) : Number(yearText);
  const utc = new Date(0);
  utc.setUTCFullYear(year, Number(monthText) - 1, Number(dayText));
  utc.setUTCHours(Number(hourText), Number(minuteText), Number(dot < 0 ? secondText : secondText.slice(0, dot)) - offsetTotal, 0);
  return (
    formatYear(utc.getUTCFullYear()) + '-' + pad2(utc.getUTCMonth() + 1) + '-' + pad2(utc.getUTCDate()) +
    'T' + pad2(utc.getUTCHours()) + ':' + pad2(utc.getUTCMinutes()) + ':' + pad2(utc.getUTCSeconds()) + fraction + 'Z'
  );
}

function formatYear(year: number): string {
  if (year < 0) return '-' + String(-year).padStart(4, '0');
  if (year > 9999) return '+' + String(year);
  return String(year).padStart(4, '0');
}

function pad2(value: number): string {
  return value < 10 ? '0' + String(value) : String(value);
}
