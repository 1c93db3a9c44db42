import { randomBytes } from 'node:crypto';
import type { Connection as CoreConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/requireService.js';
import { createConnectionOptions } from './createConnectionOptions.js';
import {
  binaryDateTimeToIso,
  binaryTimestamptz,
  columnForField,
  createRowConverter,
  MysqlType,
  mysqlTypeMapping,
  parseJson,
  readFieldsAsBytes,
  shortestFloat32,
  toTimestamp,
  toTimestamptz,
  trimFraction,
  type MysqlField,
} from './typeMap.js';

const booleans = { tinyint1AsBoolean: true };
const field = (over: Partial<MysqlField>): MysqlField => ({ name: 'c', columnType: MysqlType.LONG, flags: 0, characterSet: 63, columnLength: 11, decimals: 0, ...over });

describe('typeMap value forms', () => {
  it('gives a FLOAT as the shortest decimal of the same single-precision value', () => {
    expect(shortestFloat32(0.10000000149011612)).toBe(0.1);
    expect(shortestFloat32(3.1415927410125732)).toBe(3.1415927);
    expect(shortestFloat32(16777216)).toBe(16777216);
    expect(shortestFloat32(3.4028234663852886e38)).toBe(3.4028235e38);
    expect(shortestFloat32(-1.5)).toBe(-1.5);
    // Whatever the input, the result is the same single.
    for (const value of [1e-45, 1.17549435e-38, 123456.789, 0.3]) expect(Math.fround(shortestFloat32(value))).toBe(Math.fround(value));
  });

  it('writes DATETIME and TIMESTAMP in ISO form with no trailing zeros in the fraction', () => {
    expect(toTimestamp('2024-02-29 12:34:56.123450')).toBe('2024-02-29T12:34:56.12345');
    expect(toTimestamp('2024-02-29 12:34:56.000000')).toBe('2024-02-29T12:34:56');
    expect(toTimestamp('1970-01-01 00:00:00')).toBe('1970-01-01T00:00:00');
    expect(toTimestamptz('2024-02-29 12:34:56.5')).toBe('2024-02-29T12:34:56.5Z');
    // Zero dates keep their shape rather than failing or becoming NULL.
    expect(toTimestamp('0000-00-00 00:00:00')).toBe('0000-00-00T00:00:00');
    expect(trimFraction('-838:59:59.500')).toBe('-838:59:59.5');
    expect(trimFraction('12:00:00')).toBe('12:00:00');
  });

  it('formats binary-protocol DATETIME bytes as toTimestamp formats mysql2\'s strings', () => {
    const bytes = (...b: number[]) => Uint8Array.from(b);
    // 2024-02-29 12:34:56.123450: year 2024 = 0x07e8 little-endian, microseconds 123450 = 0x01e23a.
    expect(binaryDateTimeToIso(bytes(0xe8, 0x07, 2, 29, 12, 34, 56, 0x3a, 0xe2, 0x01, 0x00))).toBe('2024-02-29T12:34:56.12345');
    expect(binaryDateTimeToIso(bytes(0xe8, 0x07, 2, 29, 12, 34, 56, 5, 0, 0, 0))).toBe('2024-02-29T12:34:56.000005');
    expect(binaryDateTimeToIso(bytes(0xe8, 0x07, 2, 29, 12, 34, 56, 0, 0, 0, 0))).toBe('2024-02-29T12:34:56');
    // The server drops trailing zero parts: 7 bytes (no fraction), 4 bytes (midnight), 0 bytes (zero date).
    expect(binaryDateTimeToIso(bytes(0xe8, 0x07, 2, 29, 12, 34, 56))).toBe('2024-02-29T12:34:56');
    expect(binaryDateTimeToIso(bytes(0xb2, 0x07, 1, 1))).toBe('1970-01-01T00:00:00');
    expect(binaryDateTimeToIso(bytes(0xe8, 0x07, 0, 0))).toBe('2024-00-00T00:00:00');
    expect(binaryDateTimeToIso(bytes())).toBe('0000-00-00T00:00:00');
    expect(binaryDateTimeToIso(bytes(0x01, 0x00, 1, 1))).toBe('0001-01-01T00:00:00');
    expect(binaryTimestamptz(bytes(0xe8, 0x07, 2, 29, 12, 34, 56, 0x20, 0xa1, 0x07, 0x00))).toBe('2024-02-29T12:34:56.5Z');
  });

  it('formats dates from bytes only when asked, and names the columns to read as bytes', () => {
    const fields = [field({ columnType: MysqlType.DATETIME }), field({ columnType: MysqlType.LONG }), field({ columnType: MysqlType.TIMESTAMP }), field({ columnType: MysqlType.DATE })];
    expect(createRowConverter(fields, booleans).rawDateTimes).toEqual([]);
    const converter = createRowConverter(fields, booleans, { binaryDateTimes: true });
    expect(converter.rawDateTimes).toEqual([0, 2]);
    const midnight = Uint8Array.from([0xe8, 0x07, 2, 29]);
    expect(converter.convert([midnight, 7, midnight, '2024-02-29'])).toEqual(['2024-02-29T00:00:00', 7, '2024-02-29T00:00:00Z', '2024-02-29']);
    readFieldsAsBytes(fields, converter.rawDateTimes);
    expect(fields.map((f) => [f.columnType, f.characterSet])).toEqual([[MysqlType.BLOB, 63], [MysqlType.LONG, 63], [MysqlType.BLOB, 63], [MysqlType.DATE, 63]]);
  });

  it('parses JSON, and keeps text that is not JSON', () => {
    expect(parseJson('{"a":[1,null,"é"]}')).toEqual({ a: [1, null, 'é'] });
    expect(parseJson('"s"')).toBe('s');
    expect(parseJson('{not json')).toBe('{not json');
  });

  it('maps column definitions to portable types and MySQL type names', () => {
    const cases: Array<[Partial<MysqlField>, string, string]> = [
      [{ columnType: MysqlType.TINY, columnLength: 1 }, 'boolean', 'tinyint(1)'],
      [{ columnType: MysqlType.TINY, columnLength: 4 }, 'int16', 'tinyint'],
      [{ columnType: MysqlType.SHORT, flags: 32 }, 'int32', 'smallint unsigned'],
      [{ columnType: MysqlType.LONG, flags: 32 }, 'int64', 'int unsigned'],
      [{ columnType: MysqlType.LONGLONG, flags: 32 }, 'int64', 'bigint unsigned'],
      [{ columnType: MysqlType.TIME }, 'unknown', 'time'],
      [{ columnType: MysqlType.BIT, columnLength: 1 }, 'boolean', 'bit(1)'],
      [{ columnType: MysqlType.BIT, columnLength: 12 }, 'binary', 'bit'],
      [{ columnType: MysqlType.BLOB, characterSet: 224 }, 'string', 'text'],
      [{ columnType: MysqlType.BLOB, characterSet: 224, extendedFormat: 'json' }, 'json', 'json'],
      [{ columnType: MysqlType.STRING, characterSet: 224, extendedTypeName: 'uuid' }, 'uuid', 'uuid'],
      [{ columnType: MysqlType.STRING, characterSet: 224, flags: 256 }, 'string', 'enum'],
      [{ columnType: MysqlType.VAR_STRING, characterSet: 63 }, 'binary', 'varbinary'],
      [{ columnType: MysqlType.GEOMETRY, extendedTypeName: 'point' }, 'binary', 'point'],
      [{ columnType: 0xe0, characterSet: 224 }, 'unknown', 'type:224'],
    ];
    for (const [over, type, nativeType] of cases) expect(mysqlTypeMapping(field(over), booleans), nativeType).toMatchObject({ type, nativeType });
    expect(mysqlTypeMapping(field({ columnType: MysqlType.TINY, columnLength: 1 }), { tinyint1AsBoolean: false })).toMatchObject({ type: 'int16' });
    expect(columnForField(field({ name: 'id', columnType: MysqlType.LONGLONG, flags: 1 }), booleans)).toEqual({ name: 'id', type: 'int64', nativeType: 'bigint', nullable: false });
  });

  it('converts only the columns that need it, and leaves NULL alone', () => {
    const converter = createRowConverter(
      [field({ columnType: MysqlType.LONGLONG }), field({ columnType: MysqlType.VAR_STRING, characterSet: 224 }), field({ columnType: MysqlType.TINY, columnLength: 1 })],
      booleans,
    );
    expect(converter.convert(['9007199254740993', 'x', 2])).toEqual([9007199254740993n, 'x', true]);
    expect(converter.convert([null, null, null])).toEqual([null, null, null]);
    expect(converter.needsRawBytes).toBe(false);
    expect(createRowConverter([field({ columnType: MysqlType.GEOMETRY })], booleans).needsRawBytes).toBe(true);
  });
});

/** A MariaDB connection with exactly the options the connector gives mysql2, in a UTC session. */
async function connectAsTheConnector(sqlMode?: string): Promise<mysql.Connection> {
  await requireService('MariaDB', '127.0.0.1', 3306);
  const options = (await createConnectionOptions({ host: '127.0.0.1', database: 'test' }, 5000))({ kind: 'password', username: 'root', password: '' });
  const connection = await mysql.createConnection(options);
  await connection.query(`SET time_zone = '+00:00'${sqlMode === undefined ? '' : `, sql_mode = '${sqlMode}'`}`);
  return connection;
}

// The connector's fast date path (raw bytes formatted by the converter) gives exactly what
// mysql2's own date strings give, for every shape the server sends.
describe('binary DATETIME and TIMESTAMP read as bytes, against MariaDB', () => {
  const table = `cw_dates_${randomBytes(4).toString('hex')}`;
  let connection: mysql.Connection;

  beforeAll(async () => {
    connection = await connectAsTheConnector('');
    await connection.query(`CREATE TABLE ${table} (k int primary key, d6 datetime(6), d2 datetime(2), d0 datetime, t6 timestamp(6) null, t0 timestamp null)`);
    await connection.query(`INSERT INTO ${table} VALUES
      (1, '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.5', '2024-02-29 12:34:56', '2024-02-29 12:34:56.000001', '2024-02-29 12:34:56'),
      (2, '2024-02-29 00:00:00', '2024-02-29 00:00:00.00', '2024-02-29 00:00:00', '1970-01-01 00:00:01', '2038-01-19 03:14:07'),
      (3, '0000-00-00 00:00:00', '2024-00-00 00:00:00', '1000-01-01 00:00:00', '1970-01-01 00:00:01.100000', NULL),
      (4, '9999-12-31 23:59:59.999999', NULL, '0001-01-01 01:02:03', NULL, '0000-00-00 00:00:00')`);
  });
  afterAll(async () => {
    await connection?.query(`DROP TABLE IF EXISTS ${table}`);
    await connection?.end();
  });

  it('formats the raw bytes exactly as mysql2\'s strings are formatted', async () => {
    const sql = `SELECT d6, d2, d0, t6, t0 FROM ${table} ORDER BY k`;
    const [plainRows, plainFields] = await connection.execute({ sql, rowsAsArray: true });
    const plain = createRowConverter(plainFields as unknown as MysqlField[], booleans);
    const expected = (plainRows as unknown[][]).map((row) => plain.convert(row));
    expect(expected[0]).toEqual(['2024-02-29T12:34:56.123456', '2024-02-29T12:34:56.5', '2024-02-29T12:34:56', '2024-02-29T12:34:56.000001Z', '2024-02-29T12:34:56Z']);

    const core = (connection as unknown as { connection: CoreConnection }).connection;
    const rows = await new Promise<unknown[][]>((resolve, reject) => {
      const out: unknown[][] = [];
      let converter: ReturnType<typeof createRowConverter> | undefined;
      core
        .execute({ sql, rowsAsArray: true })
        .on('fields', (fields: unknown) => {
          converter = createRowConverter(fields as MysqlField[], booleans, { binaryDateTimes: true });
          readFieldsAsBytes(fields as MysqlField[], converter.rawDateTimes);
        })
        .on('result', (row: unknown) => {
          expect((row as unknown[]).some((v) => v instanceof Uint8Array)).toBe(true);
          out.push(converter!.convert(row as unknown[]) as unknown[]);
        })
        .on('error', reject)
        .on('end', () => resolve(out));
    });
    expect(rows).toEqual(expected);
  });
});

// Every type through mysql2 with the connector's options, read with both protocols: the prepared
// (binary) protocol the connector uses, and the text protocol of its ER_UNSUPPORTED_PS fallback.
describe('typeMap against MariaDB', () => {
  const table = `cw_types_${randomBytes(4).toString('hex')}`;
  let connection: mysql.Connection;

  beforeAll(async () => {
    connection = await connectAsTheConnector();
    await connection.query(`CREATE TABLE ${table} (
      k int primary key, b bool, ti tinyint, tiu tinyint unsigned, si smallint, siu smallint unsigned, mi mediumint unsigned, i int, iu int unsigned,
      bi bigint, biu bigint unsigned, f float, d double, dc decimal(65,30), c char(5), vc varchar(20) collate utf8mb4_bin, t text,
      bin binary(3), vb varbinary(5), bl blob, dt date, dtt datetime(6), ts timestamp(6) null, tm time(3), y year, j json,
      e enum('a','b'), s set('x','y'), bt1 bit(1), bt bit(10), u uuid)`);
    await connection.query(`INSERT INTO ${table} VALUES
      (1, 1, -128, 255, -32768, 65535, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, 3.14159274, 0.1,
       '-12345678901234567890123456789012345.123456789012345678901234567890', 'ab', 'Ab', 'héllo 😀', x'000102', x'00ff', x'', '2024-02-29',
       '2024-02-29 12:34:56.123450', '2024-02-29 12:34:56.5', '-838:59:59.5', 2155, '{"a": [1, 2.5, "é"]}', 'b', 'x,y', b'1', b'1010101010',
       'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
      (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', '', '', x'000000', x'', x'00', '1000-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:01', '00:00:00', 1901,
       '[]', 'a', '', b'0', b'0', '00000000-0000-0000-0000-000000000000'),
      (3, ${Array.from({ length: 30 }, () => 'NULL').join(', ')})`);
  });
  afterAll(async () => {
    await connection?.query(`DROP TABLE IF EXISTS ${table}`);
    await connection?.end();
  });

  const expected = [
    [
      true, -128, 255, -32768, 65535, 16777215, -2147483648, 4294967295n, -9223372036854775808n, 18446744073709551615n, 3.1415927, 0.1,
      '-12345678901234567890123456789012345.123456789012345678901234567890', 'ab', 'Ab', 'héllo 😀', Buffer.from([0, 1, 2]), Buffer.from([0, 255]), Buffer.alloc(0),
      '2024-02-29', '2024-02-29T12:34:56.12345', '2024-02-29T12:34:56.5Z', '-838:59:59.5', 2155, { a: [1, 2.5, 'é'] }, 'b', 'x,y', true, Buffer.from([2, 170]),
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ],
    [
      false, 0, 0, 0, 0, 0, 0, 0n, 0n, 0n, 0, 0, '0.000000000000000000000000000000', '', '', '', Buffer.from([0, 0, 0]), Buffer.alloc(0), Buffer.from([0]),
      '1000-01-01', '1970-01-01T00:00:00', '1970-01-01T00:00:01Z', '00:00:00', 1901, [], 'a', '', false, Buffer.from([0, 0]), '00000000-0000-0000-0000-000000000000',
    ],
    Array.from({ length: 30 }, () => null),
  ];

  for (const protocol of ['binary', 'text'] as const) {
    it(`reads every type exactly over the ${protocol} protocol`, async () => {
      const sql = `SELECT b, ti, tiu, si, siu, mi, i, iu, bi, biu, f, d, dc, c, vc, t, bin, vb, bl, dt, dtt, ts, tm, y, j, e, s, bt1, bt, u FROM ${table} ORDER BY k`;
      const [rows, fields] = protocol === 'binary' ? await connection.execute({ sql, rowsAsArray: true }) : await connection.query({ sql, rowsAsArray: true });
      const converter = createRowConverter(fields as unknown as MysqlField[], booleans);
      expect(converter.columns.map((c) => c.type)).toEqual([
        'boolean', 'int16', 'int16', 'int16', 'int32', 'int32', 'int32', 'int64', 'int64', 'int64', 'float32', 'float64', 'decimal', 'string', 'string',
        'string', 'binary', 'binary', 'binary', 'date', 'timestamp', 'timestamptz', 'unknown', 'int16', 'json', 'string', 'string', 'boolean', 'binary', 'uuid',
      ]);
      const values = (rows as unknown[][]).map((row) => converter.convert(row));
      if (protocol === 'binary') {
        expect(values).toEqual(expected);
      } else {
        // The one difference, and why the connector prepares every statement: over the text
        // protocol the server prints a FLOAT with 6 significant digits, losing the stored single.
        expect(values[0]?.[10]).toBe(3.14159);
        expect(values.map((row) => row.filter((_, i) => i !== 10))).toEqual(expected.map((row) => row.filter((_, i) => i !== 10)));
      }
    });
  }
});
