import { describe, expect, it } from 'vitest';
import { formatIntervalDS, formatIntervalYM, formatLocalTimestamp, formatUtcTimestamp, normalizeDecimal, toJsonValue } from './oracleValues.js';
import { decodeOracleDate, decodeOracleNumber, oracledb } from './testing/oracledbInternals.js';

// Oracle DATE/TIMESTAMP bytes: century+100, year+100, month, day, hour+1, minute+1, second+1, [nanoseconds, 4 bytes big-endian].
function timestampBytes(year: number, month: number, day: number, hour: number, minute: number, second: number, nanos?: number): number[] {
  const bytes = [Math.floor(year / 100) + 100, (year % 100) + 100, month, day, hour + 1, minute + 1, second + 1];
  if (nanos !== undefined) bytes.push((nanos >>> 24) & 0xff, (nanos >>> 16) & 0xff, (nanos >>> 8) & 0xff, nanos & 0xff);
  return bytes;
}

describe('normalizeDecimal', () => {
  it('adds the leading zero thin mode leaves out of NUMBER text, and keeps everything else', () => {
    // 0.5 and -0.25 as Oracle encodes them, decoded by the driver's own code.
    expect(decodeOracleNumber([0xc0, 51])).toBe('.5');
    expect(normalizeDecimal(decodeOracleNumber([0xc0, 51]))).toBe('0.5');
    expect(normalizeDecimal('-.25')).toBe('-0.25');
    expect(normalizeDecimal('.000001')).toBe('0.000001');
    expect(normalizeDecimal('12345678901234567890.123456789')).toBe('12345678901234567890.123456789');
    expect(normalizeDecimal('-7')).toBe('-7');
    expect(normalizeDecimal('0')).toBe('0');
  });
});

describe('formatLocalTimestamp', () => {
  it('formats the wall-clock time thin mode decodes a TIMESTAMP to, truncating past milliseconds', () => {
    const date = decodeOracleDate(timestampBytes(2024, 3, 10, 12, 34, 56, 123_456_789), true);
    expect(formatLocalTimestamp(date)).toBe('2024-03-10T12:34:56.123');
  });

  it('formats a DATE (time included) and drops a zero fraction and trailing zeros', () => {
    expect(formatLocalTimestamp(decodeOracleDate(timestampBytes(1999, 12, 31, 23, 59, 59), true))).toBe('1999-12-31T23:59:59');
    expect(formatLocalTimestamp(decodeOracleDate(timestampBytes(2000, 1, 1, 0, 0, 0, 500_000_000), true))).toBe('2000-01-01T00:00:00.5');
    expect(formatLocalTimestamp(decodeOracleDate(timestampBytes(2000, 1, 1, 0, 0, 0, 20_000_000), true))).toBe('2000-01-01T00:00:00.02');
  });

  it('writes the extremes of the Oracle range, BC years astronomically', () => {
    expect(formatLocalTimestamp(decodeOracleDate(timestampBytes(9999, 12, 31, 23, 59, 59, 999_000_000), true))).toBe('9999-12-31T23:59:59.999');
    // 44 BC is century byte 100, year byte 56 in Oracle's encoding; astronomical year -43.
    expect(formatLocalTimestamp(decodeOracleDate([100, 56, 3, 15, 13, 1, 1], true))).toBe('-0043-03-15T12:00:00');
    expect(formatLocalTimestamp(new Date(2024, 0, 2, 3, 4, 5, 6))).toBe('2024-01-02T03:04:05.006');
  });

  it('inherits the documented thin-mode limit for years 1 to 99 (decoded by the driver as 19xx)', () => {
    expect(formatLocalTimestamp(decodeOracleDate(timestampBytes(50, 6, 15, 0, 0, 0), true))).toBe('1950-06-15T00:00:00');
    expect(formatUtcTimestamp(decodeOracleDate(timestampBytes(50, 6, 15, 0, 0, 0), false))).toBe('0050-06-15T00:00:00Z');
  });
});

describe('formatUtcTimestamp', () => {
  it('formats the UTC instant of a TIMESTAMP WITH TIME ZONE with a Z', () => {
    // TIMESTAMP WITH TIME ZONE bytes hold the UTC time (plus two zone bytes thin mode ignores).
    const date = decodeOracleDate([...timestampBytes(2024, 6, 30, 22, 15, 0, 250_000_000), 20 + 60, 0 + 60], false);
    expect(formatUtcTimestamp(date)).toBe('2024-06-30T22:15:00.25Z');
    expect(formatUtcTimestamp(new Date(Date.UTC(1970, 0, 1)))).toBe('1970-01-01T00:00:00Z');
  });
});

describe('intervals', () => {
  it('writes oracledb IntervalYM and IntervalDS values in Oracle text form', () => {
    expect(formatIntervalYM(new oracledb.IntervalYM({ years: 1, months: 2 }))).toBe('+01-02');
    expect(formatIntervalYM(new oracledb.IntervalYM({ years: -10, months: -11 }))).toBe('-10-11');
    expect(formatIntervalYM(new oracledb.IntervalYM({ years: 123, months: 0 }))).toBe('+123-00');
    expect(formatIntervalDS(new oracledb.IntervalDS({ days: 3, hours: 4, minutes: 5, seconds: 6, fseconds: 789_000_000 }))).toBe('+03 04:05:06.789000');
    expect(formatIntervalDS(new oracledb.IntervalDS({ days: -1, hours: -2, minutes: 0, seconds: 0, fseconds: -1 }))).toBe('-01 02:00:00.000000001');
    expect(formatIntervalDS(new oracledb.IntervalDS({}))).toBe('+00 00:00:00.000000');
  });
});

describe('toJsonValue', () => {
  it('turns OSON-decoded values into plain JSON values', () => {
    const id = new oracledb.JsonId(2);
    id.set([0xab, 0x01]);
    expect(
      toJsonValue({
        a: 1,
        b: [true, null, 'x', { c: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)) }],
        raw: Buffer.from([1, 254]),
        id,
        vector: new Float32Array([1.5, 2]),
        ym: new oracledb.IntervalYM({ years: 1, months: 0 }),
        ds: new oracledb.IntervalDS({ days: 0, hours: 1, minutes: 0, seconds: 0, fseconds: 0 }),
      }),
    ).toEqual({
      a: 1,
      b: [true, null, 'x', { c: '2024-01-02T03:04:05.006Z' }],
      raw: '01FE',
      id: 'ab01',
      vector: [1.5, 2],
      ym: '+01-00',
      ds: '+00 01:00:00.000000',
    });
    expect(toJsonValue('plain')).toBe('plain');
    expect(toJsonValue(null)).toBeNull();
  });
});
