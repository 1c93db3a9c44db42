// Conversions from what node-oracledb (thin mode) decodes to the SDK's exact value forms. They run
// once per value inside the driver's fetch, so they never throw on a well-formed value.

/** Puts a leading zero on thin mode's NUMBER text (`.5` → `0.5`, `-.25` → `-0.25`). */
export function normalizeDecimal(text: string): string {
  if (text.charCodeAt(0) === 46) return '0' + text;
  if (text.charCodeAt(0) === 45 && text.charCodeAt(1) === 46) return '-0' + text.slice(1);
  return text;
}

// JavaScript counts years astronomically (0 is 1 BC); Oracle has no year 0 and thin mode passes its
// BC years through as negative numbers (-44 for 44 BC), so they shift by one.
function formatYear(year: number): string {
  const astronomical = year < 0 ? year + 1 : year;
  const digits = String(Math.abs(astronomical)).padStart(4, '0');
  return astronomical < 0 ? '-' + digits : digits;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function fraction(ms: number): string {
  if (ms === 0) return '';
  return '.' + String(ms).padStart(3, '0').replace(/0+$/, '');
}

/**
 * An Oracle DATE or TIMESTAMP (thin mode decodes them into a Date at the same wall-clock time in the
 * process's time zone) to `YYYY-MM-DDTHH:MM:SS[.fff]`. Thin mode keeps milliseconds only: finer
 * fractional seconds are truncated by the driver.
 */
export function formatLocalTimestamp(date: Date): string {
  return (
    `${formatYear(date.getFullYear())}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}` +
    `T${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}${fraction(date.getMilliseconds())}`
  );
}

/** A TIMESTAMP WITH (LOCAL) TIME ZONE (thin mode decodes it to its UTC instant) to `YYYY-MM-DDTHH:MM:SS[.fff]Z`. */
export function formatUtcTimestamp(date: Date): string {
  return (
    `${formatYear(date.getUTCFullYear())}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}` +
    `T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}${fraction(date.getUTCMilliseconds())}Z`
  );
}

/** oracledb's IntervalYM. */
export interface IntervalYearToMonth {
  years?: number;
  months?: number;
}

/** oracledb's IntervalDS (`fseconds` in nanoseconds). */
export interface IntervalDayToSecond {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  fseconds?: number;
}

/** An INTERVAL YEAR TO MONTH in Oracle's text form: `+01-02`, `-10-11`. */
export function formatIntervalYM(interval: IntervalYearToMonth): string {
  const years = interval.years ?? 0;
  const months = interval.months ?? 0;
  const sign = years < 0 || months < 0 ? '-' : '+';
  return `${sign}${pad2(Math.abs(years))}-${pad2(Math.abs(months))}`;
}

/** An INTERVAL DAY TO SECOND in Oracle's text form: `+03 04:05:06.789000` (nine fractional digits when needed). */
export function formatIntervalDS(interval: IntervalDayToSecond): string {
  const parts = [interval.days ?? 0, interval.hours ?? 0, interval.minutes ?? 0, interval.seconds ?? 0, interval.fseconds ?? 0];
  const sign = parts.some((part) => part < 0) ? '-' : '+';
  const [days, hours, minutes, seconds, nanos] = parts.map(Math.abs) as [number, number, number, number, number];
  const digits = String(nanos).padStart(9, '0');
  const frac = nanos % 1000 === 0 ? digits.slice(0, 6) : digits;
  return `${sign}${pad2(days)} ${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${frac}`;
}

/**
 * A value decoded from Oracle's binary JSON (OSON) to plain JSON: dates become ISO strings (as the
 * server's own JSON serialisation writes them), binary values and ids hex text, intervals their text.
 */
export function toJsonValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('hex').toUpperCase();
  // oracledb's JsonId (a Uint8Array) serialises itself as hex.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return toJsonValue(toJSON.call(value));
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(toJsonValue);
  const name = value.constructor?.name;
  if (name === 'IntervalYM') return formatIntervalYM(value as IntervalYearToMonth);
  if (name === 'IntervalDS') return formatIntervalDS(value as IntervalDayToSecond);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = toJsonValue(inner);
  return out;
}
