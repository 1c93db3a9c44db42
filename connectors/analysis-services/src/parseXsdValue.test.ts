import { describe, expect, it } from 'vitest';
import {
  hasZone,
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

describe('XSD value parsers', () => {
  it('reads booleans in both lexical forms', () => {
    expect(['true', 'false', '1', '0', ' true '].map(parseXsdBoolean)).toEqual([true, false, true, false, true]);
    expect(() => parseXsdBoolean('TRUE')).toThrow(/xsd:boolean/);
  });

  it('reads integers exactly: small ones as numbers, xsd:long as bigint beyond 2^53', () => {
    expect(['-32768', '+7', '2147483647', ' 0 '].map(parseXsdSmallInteger)).toEqual([-32768, 7, 2147483647, 0]);
    expect(() => parseXsdSmallInteger('1.5')).toThrow();
    expect(() => parseXsdSmallInteger('99999999999999999999')).toThrow(/out of range/);
    expect(parseXsdLong('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseXsdLong('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseXsdLong('9007199254740993')).toBe(9007199254740993n);
    expect(() => parseXsdLong('1e3')).toThrow();
  });

  it('keeps decimals as their exact text', () => {
    expect(['12.50', '-0.0001', '+3', '79228162514264337593543950335', '.5', '5.'].map(parseXsdDecimal)).toEqual([
      '12.50', '-0.0001', '3', '79228162514264337593543950335', '.5', '5.',
    ]);
    expect(() => parseXsdDecimal('1e5')).toThrow(/xsd:decimal/);
  });

  it('reads doubles including INF, -INF and NaN', () => {
    expect(['1.5', '-1E-7', '1.7976931348623157E+308', 'INF', '-INF', '4.9E-324'].map(parseXsdFloat)).toEqual([
      1.5, -1e-7, 1.7976931348623157e308, Infinity, -Infinity, 5e-324,
    ]);
    expect(parseXsdFloat('NaN')).toBeNaN();
    expect(() => parseXsdFloat('Infinity')).toThrow();
  });

  it('reads dates without their zone', () => {
    expect(parseXsdDate('2024-02-29')).toBe('2024-02-29');
    expect(parseXsdDate('0001-01-01Z')).toBe('0001-01-01');
    expect(() => parseXsdDate('2024-02-29T00:00:00')).toThrow(/xsd:date/);
  });

  it('reads timestamps with at most six fractional digits and no precision lost', () => {
    expect(parseXsdDateTime('2024-01-02T03:04:05', false)).toBe('2024-01-02T03:04:05');
    expect(parseXsdDateTime('2024-01-02T03:04:05.1234567', false)).toBe('2024-01-02T03:04:05.123456');
    expect(parseXsdDateTime('2024-01-02T03:04:05.120', false)).toBe('2024-01-02T03:04:05.12');
    expect(parseXsdDateTime('2024-01-02T03:04:05.000', false)).toBe('2024-01-02T03:04:05');
    expect(parseXsdDateTime('9999-12-31T23:59:59.999999', false)).toBe('9999-12-31T23:59:59.999999');
  });

  it('moves zoned timestamps to UTC, keeping the fraction', () => {
    expect(parseXsdDateTime('2024-01-02T03:04:05.654321+02:30', true)).toBe('2024-01-02T00:34:05.654321Z');
    expect(parseXsdDateTime('2023-12-31T23:30:00-01:00', true)).toBe('2024-01-01T00:30:00Z');
    expect(parseXsdDateTime('0050-03-01T00:00:00+01:00', true)).toBe('0050-02-28T23:00:00Z');
    expect(parseXsdDateTime('2024-01-02T03:04:05Z', true)).toBe('2024-01-02T03:04:05Z');
    // In a zoned column a text without zone is UTC; in a column without zone a zoned text loses its Z after the shift.
    expect(parseXsdDateTime('2024-01-02T03:04:05', true)).toBe('2024-01-02T03:04:05Z');
    expect(parseXsdDateTime('2024-01-02T03:04:05+01:00', false)).toBe('2024-01-02T02:04:05');
    expect(hasZone('2024-01-02T03:04:05Z')).toBe(true);
    expect(hasZone('2024-01-02T03:04:05-05:00')).toBe(true);
    expect(hasZone('2024-01-02T03:04:05')).toBe(false);
  });

  it('decodes binary and GUIDs', () => {
    expect(Array.from(parseXsdBase64('AAH+\n/w=='))).toEqual([0, 1, 254, 255]);
    expect(Array.from(parseXsdBase64(''))).toEqual([]);
    expect(() => parseXsdBase64('A*==')).toThrow(/base64/);
    expect(Array.from(parseXsdHex('00ff10'))).toEqual([0, 255, 16]);
    expect(parseUuid('{6C0B1D5E-0A0B-4C1D-9E2F-123456789ABC}')).toBe('6c0b1d5e-0a0b-4c1d-9e2f-123456789abc');
    expect(() => parseUuid('nope')).toThrow(/GUID/);
  });
});
