import { describe, expect, it } from 'vitest';
import { HanaColumnMode, HanaTypeCode } from './hanaDriver.js';
import { columnFor, hanaTypeMapping, knownHanaTypeCodes } from './typeMap.js';
import { hdbReadFunction, hdbTypeCode } from './testing/hdbCodecs.js';

const metadata = (dataType: number, mode: number = HanaColumnMode.OPTIONAL) => ({ dataType, fraction: 0, length: 0, mode, columnDisplayName: 'C' });

describe('typeMap', () => {
  it("uses hdb's own type codes", () => {
    for (const [name, code] of Object.entries(HanaTypeCode)) expect(hdbTypeCode[name], name).toBe(code);
  });

  it('maps every type hdb can read (and nothing hdb cannot)', () => {
    const readable = Object.keys(hdbReadFunction).map(Number);
    expect(readable.filter((code) => !hanaTypeMapping(code)), 'hdb reads these but the connector has no mapping').toEqual([]);
    expect(knownHanaTypeCodes().filter((code) => !hdbReadFunction[code]), 'mapped but unreadable by hdb').toEqual([]);
  });

  it('maps the HANA SQL types exactly', () => {
    const T = HanaTypeCode;
    const expected: Array<[number, string, string]> = [
      [T.TINYINT, 'int16', 'TINYINT'],
      [T.SMALLINT, 'int16', 'SMALLINT'],
      [T.INT, 'int32', 'INTEGER'],
      [T.BIGINT, 'int64', 'BIGINT'],
      [T.DECIMAL, 'decimal', 'DECIMAL'],
      [T.FIXED8, 'decimal', 'DECIMAL'],
      [T.FIXED16, 'decimal', 'DECIMAL'],
      [T.REAL, 'float32', 'REAL'],
      [T.DOUBLE, 'float64', 'DOUBLE'],
      [T.VARCHAR1, 'string', 'VARCHAR'],
      [T.NVARCHAR, 'string', 'NVARCHAR'],
      [T.ALPHANUM, 'string', 'ALPHANUM'],
      [T.SHORTTEXT, 'string', 'SHORTTEXT'],
      [T.VARBINARY, 'binary', 'VARBINARY'],
      [T.BLOB, 'binary', 'BLOB'],
      [T.CLOB, 'string', 'CLOB'],
      [T.NCLOB, 'string', 'NCLOB'],
      [T.DAYDATE, 'date', 'DATE'],
      [T.SECONDTIME, 'time', 'TIME'],
      [T.SECONDDATE, 'timestamp', 'SECONDDATE'],
      [T.LONGDATE, 'timestamp', 'TIMESTAMP'],
      [T.BOOLEAN, 'boolean', 'BOOLEAN'],
    ];
    for (const [code, type, nativeType] of expected) expect(hanaTypeMapping(code), nativeType).toMatchObject({ type, nativeType });
    expect(hanaTypeMapping(T.BLOB)?.lob).toBe('binary');
    expect(hanaTypeMapping(T.NCLOB)?.lob).toBe('text');
    expect(hanaTypeMapping(T.VARBINARY)?.lob).toBeUndefined();
  });

  it('names the column, reports nullability from the metadata, and converts values', () => {
    expect(columnFor(metadata(HanaTypeCode.INT)).column).toEqual({ name: 'C', type: 'int32', nativeType: 'INTEGER', nullable: true });
    expect(columnFor(metadata(HanaTypeCode.INT, HanaColumnMode.MANDATORY)).column.nullable).toBe(false);
    expect(columnFor(metadata(HanaTypeCode.INT, 0)).column.nullable).toBeUndefined();
    expect(columnFor(metadata(HanaTypeCode.BIGINT)).mapping.convert('123456789012345678')).toBe(123456789012345678n);
    expect(columnFor(metadata(HanaTypeCode.LONGDATE)).mapping.convert('2000-01-01 00:00:00.500000000')).toBe('2000-01-01T00:00:00.5');
    expect(columnFor(metadata(HanaTypeCode.DECIMAL)).mapping.convert('5e-2')).toBe('0.05');
    const odd = columnFor(metadata(250));
    expect(odd.column).toMatchObject({ type: 'string', nativeType: 'TYPE 250' });
  });
});
