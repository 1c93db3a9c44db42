// Value forms: hdb already returns exact text for decimals and datetimes; these put that text in
// the SDK's forms (sdk/src/columns.ts) without passing it through a JS number or Date.

const decimalPattern = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A HANA decimal as exact plain text. Fixed decimals (DECIMAL(p,s)) arrive plain with their scale
 * ("12.50") and are kept as they are; floating decimals (DECIMAL without precision, SMALLDECIMAL)
 * arrive from hdb in scientific form ("1.25e+3") and are written out ("1250").
 */
export function decimalText(value: string): string {
  const match = decimalPattern.exec(value);
  if (!match) throw new Error(`not a decimal: ${JSON.stringify(value)}`);
  const [, sign = '', whole = '', fraction = '', exponent] = match;
  if (exponent === undefined) return value;
  let digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  let shift = Number(exponent) - fraction.length;
  if (/^0+$/.test(digits)) return '0';
  // Trailing zeros of the mantissa carry no scale in a floating decimal.
  while (shift < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    shift += 1;
  }
  const negative = sign === '-' ? '-' : '';
  if (shift >= 0) return negative + digits + '0'.repeat(shift);
  const point = digits.length + shift;
  if (point > 0) return `${negative}${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${negative}0.${'0'.repeat(-point)}${digits}`;
}

const timePattern = /^(\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;
const timestampPattern = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;

/**
 * A fraction of a second cut to at most six digits (microseconds), trailing zeros dropped. HANA
 * TIMESTAMP counts in 100 ns steps: the seventh digit is cut, not rounded (rounding could carry
 * into the next second, minute or day).
 */
function fractionText(digits: string | undefined): string {
  const kept = (digits ?? '').slice(0, 6).replace(/0+$/, '');
  return kept ? `.${kept}` : '';
}

/** hdb's TIMESTAMP/LONGDATE/SECONDDATE text ("2024-02-29 12:34:56.123456700") as `YYYY-MM-DDTHH:MM:SS[.ffffff]`. */
export function timestampText(value: string): string {
  const match = timestampPattern.exec(value);
  if (!match) throw new Error(`not a timestamp: ${JSON.stringify(value)}`);
  return `${match[1]}T${match[2]}${fractionText(match[3])}`;
}

/** hdb's TIME/SECONDTIME text as `HH:MM:SS[.ffffff]`. */
export function timeText(value: string): string {
  const match = timePattern.exec(value);
  if (!match) throw new Error(`not a time: ${JSON.stringify(value)}`);
  return `${match[1]}${fractionText(match[2])}`;
}

/** hdb's BIGINT: a number when it fits in 53 bits, else the exact decimal text. */
export function bigintValue(value: number | string): bigint {
  return BigInt(value);
}
