import { describe, expect, it } from 'vitest';
import {
  parseBigInt,
  parseBoolean,
  parseBytea,
  parseDate,
  parseFloatText,
  parseInteger,
  parseJson,
  parseTimestamp,
  parseTimestamptz,
} from './pgTextParsers.js';

describe('pgTextParsers', () => {
  it('parses integers, including the int4 extremes and negatives', () => {
    expect(parseInteger('0')).toBe(0);
    expect(parseInteger('-2147483648')).toBe(-2147483648);
    expect(parseInteger('2147483647')).toBe(2147483647);
    expect(parseInteger('-32768')).toBe(-32768);
  });

  it('parses floats with the special values PostgreSQL prints', () => {
    expect(parseFloatText('0.1')).toBe(0.1);
    expect(parseFloatText('1e+308')).toBe(1e308);
    expect(parseFloatText('NaN')).toBeNaN();
    expect(parseFloatText('Infinity')).toBe(Infinity);
    expect(parseFloatText('-Infinity')).toBe(-Infinity);
    expect(Object.is(parseFloatText('-0'), -0)).toBe(true);
  });

  it('parses int8 exactly as bigint', () => {
    expect(parseBigInt('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseBigInt('9007199254740993')).toBe(9007199254740993n);
  });

  it('parses booleans from t/f', () => {
    expect(parseBoolean('t')).toBe(true);
    expect(parseBoolean('f')).toBe(false);
  });

  it('parses hex and escape-format bytea', () => {
    expect([...parseBytea('\\x00ff10')]).toEqual([0, 255, 16]);
    expect([...parseBytea('\\x')]).toEqual([]);
    expect([...parseBytea('a\\\\b\\001\\377')]).toEqual([97, 92, 98, 1, 255]);
  });

  it('keeps JSON text it cannot parse rather than throwing inside the driver', () => {
    expect(parseJson('{"a":[1,null]}')).toEqual({ a: [1, null] });
    expect(parseJson('{oops')).toBe('{oops');
  });

  it('writes dates with astronomical years and passes infinity through', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('0044-03-15 BC')).toBe('-0043-03-15');
    expect(parseDate('0001-01-01 BC')).toBe('0000-01-01');
    expect(parseDate('12345-06-07')).toBe('+12345-06-07');
    expect(parseDate('infinity')).toBe('infinity');
    expect(parseDate('-infinity')).toBe('-infinity');
  });

  it('writes timestamps with a T and every fractional digit', () => {
    expect(parseTimestamp('2024-01-02 03:04:05.123456')).toBe('2024-01-02T03:04:05.123456');
    expect(parseTimestamp('2024-01-02 03:04:05')).toBe('2024-01-02T03:04:05');
    expect(parseTimestamp('0044-03-15 10:00:00 BC')).toBe('-0043-03-15T10:00:00');
    expect(parseTimestamp('12345-01-01 00:00:00.5')).toBe('+12345-01-01T00:00:00.5');
    expect(parseTimestamp('-infinity')).toBe('-infinity');
  });

  it('writes timestamptz in UTC with Z, converting any other offset exactly', () => {
    expect(parseTimestamptz('2024-01-02 03:04:05.123456+00')).toBe('2024-01-02T03:04:05.123456Z');
    expect(parseTimestamptz('2024-01-02 03:04:05.123456+05:30')).toBe('2024-01-01T21:34:05.123456Z');
    expect(parseTimestamptz('2023-12-31 23:30:00-01')).toBe('2024-01-01T00:30:00Z');
    expect(parseTimestamptz('1883-11-18 12:03:58-04:56:02')).toBe('1883-11-18T17:00:00Z');
    expect(parseTimestamptz('0001-01-01 00:30:00+01 BC')).toBe('-0001-12-31T23:30:00Z');
    expect(parseTimestamptz('0044-03-15 10:00:00+00 BC')).toBe('-0043-03-15T10:00:00Z');
    expect(parseTimestamptz('infinity')).toBe('infinity');
  });
});
