import { describe, expect, it } from 'vitest';
import { dateFromDays0001, dateText, ticksOfDay, timestampText, timeText } from './formatTemporal.js';

const withDelta = (iso: string, nanosecondsDelta: number): Date => Object.assign(new Date(iso), { nanosecondsDelta });

describe('temporal text forms', () => {
  it('writes dates with four-digit years from 0001 to 9999', () => {
    expect(dateText(dateFromDays0001(0))).toBe('0001-01-01');
    expect(dateText(dateFromDays0001(3652058))).toBe('9999-12-31');
    expect(dateText(dateFromDays0001(738520))).toBe('2023-01-01');
  });

  it('keeps six fractional digits, drops the seventh without rounding, and trims trailing zeros', () => {
    expect(timeText(863_999_999_999)).toBe('23:59:59.999999');
    expect(timeText(432_005_000_000)).toBe('12:00:00.5');
    expect(timeText(0)).toBe('00:00:00');
    expect(timeText(9)).toBe('00:00:00');
    expect(timeText(10)).toBe('00:00:00.000001');
  });

  it("adds tedious's nanosecondsDelta to the Date's milliseconds", () => {
    // 03:04:05.1234567: the Date holds .123, nanosecondsDelta 0.0004567 s.
    const value = withDelta('2024-01-02T03:04:05.123Z', 0.0004567);
    expect(ticksOfDay(value)).toBe(110_451_234_567);
    expect(timestampText(value)).toBe('2024-01-02T03:04:05.123456');
    expect(timestampText(withDelta('0001-01-01T00:00:00.000Z', 0))).toBe('0001-01-01T00:00:00');
    expect(timestampText(new Date('1999-12-31T23:59:59.997Z'))).toBe('1999-12-31T23:59:59.997');
  });
});
