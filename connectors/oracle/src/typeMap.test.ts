import { describe, expect, it } from 'vitest';
import type { OracleDbType, OracleMetadata } from './oracleDriver.js';
import { oracledb, resolveFetchType } from './testing/oracledbInternals.js';
import { createFetchTypeHandler, numberColumnType, oracleColumnTypes, planColumns } from './typeMap.js';

const types = oracledb;
const handler = createFetchTypeHandler(types);

// Metadata as thin mode describes a column (processColumnInfo): name, nullable, dbType, dbTypeName, precision/scale.
function meta(name: string, dbType: OracleDbType, extra: Partial<OracleMetadata> = {}): OracleMetadata {
  return { name, nullable: true, dbType, dbTypeName: dbType.columnTypeName, isJson: false, ...extra };
}

// What the driver does with a column: our handler, validated and composed by oracledb's own code.
function fetched(metadata: OracleMetadata) {
  const resolved = resolveFetchType(metadata, handler);
  return { fetchType: resolved.fetchType, convert: (value: unknown) => (resolved.converter ? resolved.converter(value) : value) };
}

describe('numberColumnType', () => {
  it('maps declared integer precision to int16/int32/int64 and everything else to decimal', () => {
    expect(numberColumnType({ precision: 1, scale: 0 })).toBe('int16');
    expect(numberColumnType({ precision: 4, scale: 0 })).toBe('int16');
    expect(numberColumnType({ precision: 5, scale: 0 })).toBe('int32');
    expect(numberColumnType({ precision: 9, scale: 0 })).toBe('int32');
    expect(numberColumnType({ precision: 10, scale: 0 })).toBe('int64');
    expect(numberColumnType({ precision: 18, scale: 0 })).toBe('int64');
    expect(numberColumnType({ precision: 19, scale: 0 })).toBe('decimal');
    expect(numberColumnType({ precision: 38, scale: 0 })).toBe('decimal'); // INTEGER
    expect(numberColumnType({ precision: 10, scale: 2 })).toBe('decimal');
    expect(numberColumnType({ precision: 0, scale: -127 })).toBe('decimal'); // unconstrained NUMBER, COUNT(*)
    expect(numberColumnType({ precision: 126, scale: -127 })).toBe('decimal'); // FLOAT
    expect(numberColumnType({ precision: 5, scale: -2 })).toBe('decimal');
  });
});

describe('createFetchTypeHandler through oracledb fetch-type handling', () => {
  it('fetches NUMBER as text so no value goes through a float', () => {
    const decimal = fetched(meta('AMOUNT', types.DB_TYPE_NUMBER, { precision: 38, scale: 10 }));
    expect(decimal.fetchType).toBe(types.DB_TYPE_VARCHAR);
    expect(decimal.convert('12345678901234567890.123456789')).toBe('12345678901234567890.123456789');
    expect(decimal.convert('.5')).toBe('0.5');
    expect(decimal.convert(null)).toBeNull();
    // Without the handler the driver would hand out a float.
    const plain = resolveFetchType(meta('AMOUNT', types.DB_TYPE_NUMBER, { precision: 38, scale: 10 }), undefined);
    expect(plain.converter?.('12345678901234567890.123456789')).toBe(12345678901234567000);
  });

  it('converts integer NUMBERs to numbers or bigints by precision', () => {
    expect(fetched(meta('A', types.DB_TYPE_NUMBER, { precision: 4, scale: 0 })).convert('-9999')).toBe(-9999);
    expect(fetched(meta('B', types.DB_TYPE_NUMBER, { precision: 9, scale: 0 })).convert('999999999')).toBe(999_999_999);
    expect(fetched(meta('C', types.DB_TYPE_NUMBER, { precision: 18, scale: 0 })).convert('-999999999999999999')).toBe(-999_999_999_999_999_999n);
    expect(fetched(meta('D', types.DB_TYPE_NUMBER, { precision: 0, scale: -127 })).convert('42')).toBe('42');
  });

  it('formats DATE and TIMESTAMP from the local Date and the time-zone types from the UTC instant', () => {
    const date = fetched(meta('D', types.DB_TYPE_DATE));
    expect(date.fetchType).toBe(types.DB_TYPE_DATE);
    expect(date.convert(new Date(2024, 1, 29, 13, 14, 15))).toBe('2024-02-29T13:14:15');
    expect(fetched(meta('T', types.DB_TYPE_TIMESTAMP, { precision: 9 })).convert(new Date(2024, 1, 29, 13, 14, 15, 120))).toBe('2024-02-29T13:14:15.12');
    const instant = new Date(Date.UTC(2024, 1, 29, 23, 0, 0, 5));
    expect(fetched(meta('TZ', types.DB_TYPE_TIMESTAMP_TZ)).convert(instant)).toBe('2024-02-29T23:00:00.005Z');
    expect(fetched(meta('LTZ', types.DB_TYPE_TIMESTAMP_LTZ)).convert(instant)).toBe('2024-02-29T23:00:00.005Z');
  });

  it('keeps its own fetch types even when another plugin set oracledb.fetchAsString globally', () => {
    const settings = oracledb as unknown as { fetchAsString: OracleDbType[] };
    const before = settings.fetchAsString;
    settings.fetchAsString = [types.DB_TYPE_TIMESTAMP, types.DB_TYPE_CLOB, types.DB_TYPE_NUMBER];
    try {
      expect(fetched(meta('D', types.DB_TYPE_DATE)).convert(new Date(2001, 0, 1))).toBe('2001-01-01T00:00:00');
      expect(fetched(meta('C', types.DB_TYPE_CLOB)).fetchType).toBe(types.DB_TYPE_CLOB);
      expect(fetched(meta('N', types.DB_TYPE_NUMBER, { precision: 18, scale: 0 })).convert('7')).toBe(7n);
      // Without the handler the global setting would turn the DATE into Date.toString() text.
      expect(resolveFetchType(meta('D', types.DB_TYPE_DATE), undefined).fetchType).toBe(types.DB_TYPE_VARCHAR);
    } finally {
      settings.fetchAsString = before;
    }
  });

  it('normalises JSON, writes intervals as text and leaves other natively exact types alone', () => {
    expect(fetched(meta('J', types.DB_TYPE_JSON)).convert({ a: [1, new Date(Date.UTC(2020, 0, 1))] })).toEqual({ a: [1, '2020-01-01T00:00:00.000Z'] });
    expect(fetched(meta('YM', types.DB_TYPE_INTERVAL_YM)).convert(new oracledb.IntervalYM({ years: 2, months: 3 }))).toBe('+02-03');
    expect(fetched(meta('F', types.DB_TYPE_BINARY_FLOAT)).convert(1.5)).toBe(1.5);
    expect(fetched(meta('R', types.DB_TYPE_RAW)).convert(Buffer.from([1]))).toEqual(Buffer.from([1]));
    expect(fetched(meta('B', types.DB_TYPE_BOOLEAN)).convert(true)).toBe(true);
    expect(fetched(meta('C', types.DB_TYPE_CLOB)).fetchType).toBe(types.DB_TYPE_CLOB);
    expect(fetched(meta('V', types.DB_TYPE_VECTOR)).convert(new Float32Array([1, 2.5]))).toBe('[1,2.5]');
    // XMLTYPE keeps only the driver's own converter (which reads the XML text).
    expect(resolveFetchType(meta('X', types.DB_TYPE_XMLTYPE), handler).converter).toBeTypeOf('function');
  });
});

describe('planColumns', () => {
  it('gives each column its portable type, the server type name and nullability, and marks LOBs and unsupported types', () => {
    const plans = planColumns(
      [
        meta('ID', types.DB_TYPE_NUMBER, { precision: 10, scale: 0, nullable: false }),
        meta('NAME', types.DB_TYPE_VARCHAR),
        meta('NOTE', types.DB_TYPE_NCLOB),
        meta('PIC', types.DB_TYPE_BLOB),
        meta('AT', types.DB_TYPE_TIMESTAMP_TZ),
        meta('OBJ', types.DB_TYPE_OBJECT, { dbTypeName: 'HR.ADDRESS_T' }),
        meta('RID', types.DB_TYPE_ROWID),
        meta('DUR', types.DB_TYPE_INTERVAL_DS),
      ],
      types,
    );
    expect(plans).toEqual([
      { column: { name: 'ID', type: 'int64', nativeType: 'NUMBER', nullable: false } },
      { column: { name: 'NAME', type: 'string', nativeType: 'VARCHAR2', nullable: true } },
      { column: { name: 'NOTE', type: 'string', nativeType: 'NCLOB', nullable: true }, lob: 'string' },
      { column: { name: 'PIC', type: 'binary', nativeType: 'BLOB', nullable: true }, lob: 'binary' },
      { column: { name: 'AT', type: 'timestamptz', nativeType: 'TIMESTAMP WITH TIME ZONE', nullable: true } },
      { column: { name: 'OBJ', type: 'unknown', nativeType: 'HR.ADDRESS_T', nullable: true }, unsupported: true },
      { column: { name: 'RID', type: 'string', nativeType: 'ROWID', nullable: true } },
      { column: { name: 'DUR', type: 'unknown', nativeType: 'INTERVAL DAY TO SECOND', nullable: true } },
    ]);
  });

  it('claims exactly the types the plan can produce', () => {
    expect(new Set(oracleColumnTypes)).toEqual(
      new Set(['boolean', 'int16', 'int32', 'int64', 'float32', 'float64', 'decimal', 'string', 'binary', 'timestamp', 'timestamptz', 'json', 'unknown']),
    );
  });
});
