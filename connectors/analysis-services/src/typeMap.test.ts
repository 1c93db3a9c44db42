import { describe, expect, it } from 'vitest';
import { columnFor, producedColumnTypes, xsdTypeMapping } from './typeMap.js';

describe('xsdTypeMapping', () => {
  it.each([
    ['xsd:boolean', 'boolean', 'true', true],
    ['xsd:short', 'int16', '-32768', -32768],
    ['xsd:unsignedByte', 'int16', '255', 255],
    ['xsd:byte', 'int16', '-128', -128],
    ['xsd:unsignedShort', 'int32', '65535', 65535],
    ['xsd:int', 'int32', '-2147483648', -2147483648],
    ['xsd:unsignedInt', 'int64', '4294967295', 4294967295n],
    ['xsd:long', 'int64', '9223372036854775807', 9223372036854775807n],
    ['xsd:unsignedLong', 'decimal', '18446744073709551615', '18446744073709551615'],
    ['xsd:integer', 'decimal', '-123456789012345678901234567890', '-123456789012345678901234567890'],
    ['xsd:decimal', 'decimal', '922337203685477.5807', '922337203685477.5807'],
    ['xsd:double', 'float64', '0.1', 0.1],
    ['xsd:float', 'float32', '1.5', 1.5],
    ['xsd:string', 'string', ' a <b> ', ' a <b> '],
    ['xsd:dateTime', 'timestamp', '2024-01-02T03:04:05.5', '2024-01-02T03:04:05.5'],
    ['xsd:date', 'date', '2024-01-02', '2024-01-02'],
    ['xsd:base64Binary', 'binary', 'AQI=', Buffer.from([1, 2])],
    ['uuid', 'uuid', 'ABCDEF01-2345-6789-ABCD-EF0123456789', 'abcdef01-2345-6789-abcd-ef0123456789'],
    ['xsd:duration', 'unknown', 'P1DT2H', 'P1DT2H'],
    ['xsd:time', 'unknown', '10:00:00', '10:00:00'],
    ['xmlDocument', 'unknown', 'text', 'text'],
  ])('%s → %s', (xsd, type, text, value) => {
    const mapping = xsdTypeMapping(xsd);
    expect(mapping.type).toBe(type);
    expect(mapping.nativeType).toBe(xsd);
    expect(mapping.parse(text)).toEqual(value);
  });

  it('maps a zoned xsd:dateTime column to timestamptz in UTC', () => {
    const mapping = xsdTypeMapping('xsd:dateTime', true);
    expect(mapping.type).toBe('timestamptz');
    expect(mapping.parse('2024-01-02T03:04:05+01:00')).toBe('2024-01-02T02:04:05Z');
  });

  it('maps a column without a type (a DAX variant) to unknown text', () => {
    expect(xsdTypeMapping(undefined)).toMatchObject({ type: 'unknown', nativeType: 'variant' });
    expect(columnFor('[x]', xsdTypeMapping(undefined))).toEqual({ name: '[x]', type: 'unknown', nativeType: 'variant' });
  });

  it('lists exactly the types the map produces', () => {
    const produced = new Set<string>(['xsd:boolean', 'xsd:short', 'xsd:int', 'xsd:long', 'xsd:decimal', 'xsd:double', 'xsd:float', 'xsd:string', 'xsd:date', 'xsd:base64Binary', 'uuid', 'xsd:duration'].map((t) => xsdTypeMapping(t).type));
    produced.add(xsdTypeMapping('xsd:dateTime').type).add(xsdTypeMapping('xsd:dateTime', true).type);
    expect([...produced].sort()).toEqual([...producedColumnTypes].sort());
  });
});
