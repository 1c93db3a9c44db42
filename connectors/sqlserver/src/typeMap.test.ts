import type { Logger, QueryRequest, ResultPart, Row } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTdsServer, type TdsServer } from '../../../test/fixtures/tds/index.js';
import { createSqlServerDataSource, type SqlServerDataSource } from './createSqlServerDataSource.js';
import { columnMapping, type TediousColumnMetadata } from './typeMap.js';

const meta = (name: string, extra: Partial<TediousColumnMetadata> = {}): TediousColumnMetadata => ({ colName: 'c', type: { name }, flags: 0x01, ...extra });

describe('columnMapping', () => {
  it.each([
    ['Bit', {}, 'boolean', 'bit'],
    ['IntN', { dataLength: 1 }, 'int16', 'tinyint'],
    ['SmallInt', {}, 'int16', 'smallint'],
    ['IntN', { dataLength: 4 }, 'int32', 'int'],
    ['IntN', { dataLength: 8 }, 'int64', 'bigint'],
    ['FloatN', { dataLength: 4 }, 'float32', 'real'],
    ['Float', {}, 'float64', 'float'],
    ['DecimalN', { precision: 38, scale: 10 }, 'decimal', 'decimal(38,10)'],
    ['NumericN', { precision: 5, scale: 2 }, 'decimal', 'numeric(5,2)'],
    ['MoneyN', { dataLength: 4 }, 'decimal', 'smallmoney'],
    ['Money', {}, 'decimal', 'money'],
    ['NVarChar', { dataLength: 0xffff }, 'string', 'nvarchar(max)'],
    ['NChar', { dataLength: 20 }, 'string', 'nchar(10)'],
    ['VarChar', { dataLength: 30 }, 'string', 'varchar(30)'],
    ['Text', {}, 'string', 'text'],
    ['Xml', {}, 'string', 'xml'],
    ['VarBinary', { dataLength: 0xffff }, 'binary', 'varbinary(max)'],
    ['Image', {}, 'binary', 'image'],
    ['Date', {}, 'date', 'date'],
    ['Time', { scale: 3 }, 'time', 'time(3)'],
    ['DateTimeN', { dataLength: 4 }, 'timestamp', 'smalldatetime'],
    ['DateTime', {}, 'timestamp', 'datetime'],
    ['DateTime2', { scale: 7 }, 'timestamp', 'datetime2(7)'],
    ['DateTimeOffset', { scale: 0 }, 'timestamptz', 'datetimeoffset(0)'],
    ['UniqueIdentifier', {}, 'uuid', 'uniqueidentifier'],
    ['Variant', {}, 'unknown', 'sql_variant'],
  ])('maps tedious %s %j to %s (%s)', (name, extra, type, nativeType) => {
    expect(columnMapping(meta(name, extra)).column).toEqual({ name: 'c', type, nativeType, nullable: true });
  });

  it('reports nullability from the column flags', () => {
    expect(columnMapping({ ...meta('Int'), flags: 0 }).column.nullable).toBe(false);
  });

  it('converts values to the SDK forms and keeps NULL as null', () => {
    expect(columnMapping(meta('BigInt')).convert('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(columnMapping(meta('UniqueIdentifier')).convert('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(columnMapping(meta('DateTimeOffset')).convert(Object.assign(new Date('2024-01-01T21:34:05.123Z'), { nanosecondsDelta: 0.0004567 }))).toBe('2024-01-01T21:34:05.123456Z');
    for (const name of ['BigInt', 'DateTime2', 'Date', 'Time', 'UniqueIdentifier', 'Int', 'NVarChar']) expect(columnMapping(meta(name)).convert(null)).toBeNull();
  });

  it('returns CLR types (geography, hierarchyid) as unknown hex with the type name', () => {
    const mapping = columnMapping(meta('UDT', { udtInfo: { typeName: 'hierarchyid' } }));
    expect(mapping.column).toMatchObject({ type: 'unknown', nativeType: 'hierarchyid' });
    expect(mapping.convert(Buffer.from([0x58, 0xc0]))).toBe('0x58C0');
  });
});

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const ada = { kind: 'password' as const, username: 'ada', password: 'pw' };

async function select(source: SqlServerDataSource, sql: string): Promise<{ columns: ResultPart[]; rows: Row[] }> {
  const request: QueryRequest = { text: sql, parameters: [], signal: new AbortController().signal, deadline: undefined, batchRows: 100 };
  const columns: ResultPart[] = [];
  const rows: Row[] = [];
  for await (const part of source.execute(request, ada)) {
    if (part.kind === 'schema') columns.push(part);
    else rows.push(...part.rows);
  }
  return { columns, rows };
}

// Every value goes over the wire from the TDS fixture through the real tedious driver and the
// connector's decoding. Expected values are SQL Server's semantics written out by hand.
const valueCases: Array<[sql: string, type: string, nativeType: string, expected: unknown]> = [
  ['CAST(1 AS bit)', 'boolean', 'bit', true],
  ['CAST(255 AS tinyint)', 'int16', 'tinyint', 255],
  ['CAST(-32768 AS smallint)', 'int16', 'smallint', -32768],
  ['CAST(-2147483648 AS int)', 'int32', 'int', -2147483648],
  ['CAST(-9223372036854775808 AS bigint)', 'int64', 'bigint', -9223372036854775808n],
  ["CAST('1.1' AS real)", 'float32', 'real', Math.fround(1.1)],
  ["CAST('0.1' AS float)", 'float64', 'float', 0.1],
  ["CAST('123456789012345678901234567.1234567891' AS decimal(38,10))", 'decimal', 'decimal(38,10)', '123456789012345678901234567.1234567891'],
  ["CAST('-0.0000000001' AS decimal(38,10))", 'decimal', 'decimal(38,10)', '-0.0000000001'],
  ["CAST('-12.5' AS numeric(5,2))", 'decimal', 'numeric(5,2)', '-12.50'],
  ["CAST('99999999999999999.9' AS decimal(18,1))", 'decimal', 'decimal(18,1)', '99999999999999999.9'],
  ["CAST('922337203685477.5807' AS money)", 'decimal', 'money', '922337203685477.5807'],
  ["CAST('-214748.3648' AS smallmoney)", 'decimal', 'smallmoney', '-214748.3648'],
  ["CAST('ab' AS char(5))", 'string', 'char(5)', 'ab   '],
  ["CAST('café €' AS varchar(20))", 'string', 'varchar(20)', 'café €'],
  ["CAST(N'héllo ✓' AS nvarchar(10))", 'string', 'nvarchar(10)', 'héllo ✓'],
  ["CAST(REPLICATE(N'y', 3000) AS nvarchar(max))", 'string', 'nvarchar(max)', 'y'.repeat(3000)],
  ["CAST(N'ü' AS nchar(2))", 'string', 'nchar(2)', 'ü '],
  ["CAST('abc' AS text)", 'string', 'text', 'abc'],
  ["CAST(N'ntext ✓' AS ntext)", 'string', 'ntext', 'ntext ✓'],
  ["CAST(N'<a b=\"1\"/>' AS xml)", 'string', 'xml', '<a b="1"/>'],
  ['CAST(0x0102 AS binary(4))', 'binary', 'binary(4)', Buffer.from([1, 2, 0, 0])],
  ['CAST(0x AS varbinary(max))', 'binary', 'varbinary(max)', Buffer.alloc(0)],
  ['CAST(0xFF00 AS image)', 'binary', 'image', Buffer.from([0xff, 0])],
  ["CAST('0001-01-01' AS date)", 'date', 'date', '0001-01-01'],
  ["CAST('9999-12-31' AS date)", 'date', 'date', '9999-12-31'],
  ["CAST('23:59:59.9999999' AS time(7))", 'time', 'time(7)', '23:59:59.999999'],
  ["CAST('12:34:56.7' AS time(0))", 'time', 'time(0)', '12:34:57'],
  ["CAST('2024-01-02 03:04:05.997' AS datetime)", 'timestamp', 'datetime', '2024-01-02T03:04:05.997'],
  ["CAST('2024-01-02 03:04:05.002' AS datetime)", 'timestamp', 'datetime', '2024-01-02T03:04:05.003'],
  ["CAST('2024-01-02 03:04:30' AS smalldatetime)", 'timestamp', 'smalldatetime', '2024-01-02T03:05:00'],
  ["CAST('9999-12-31 23:59:59.9999999' AS datetime2(7))", 'timestamp', 'datetime2(7)', '9999-12-31T23:59:59.999999'],
  ["CAST('0001-01-01 00:00:00' AS datetime2(0))", 'timestamp', 'datetime2(0)', '0001-01-01T00:00:00'],
  ["CAST('2024-01-02 03:04:05.1234567 +05:30' AS datetimeoffset(7))", 'timestamptz', 'datetimeoffset(7)', '2024-01-01T21:34:05.123456Z'],
  ["CAST('2024-12-31 23:30:00 -01:00' AS datetimeoffset(0))", 'timestamptz', 'datetimeoffset(0)', '2025-01-01T00:30:00Z'],
  ["CAST('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' AS uniqueidentifier)", 'uuid', 'uniqueidentifier', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  ['CAST(CAST(42 AS int) AS sql_variant)', 'unknown', 'sql_variant', '42'],
  ["CAST(CAST('123456789012345678901234567.1234567891' AS decimal(38,10)) AS sql_variant)", 'unknown', 'sql_variant', '123456789012345678901234567.1234567891'],
  ["CAST(CAST('2024-01-02 03:04:05.1234567' AS datetime2(7)) AS sql_variant)", 'unknown', 'sql_variant', '2024-01-02 03:04:05.123456'],
  ["CAST(N'text' AS sql_variant)", 'unknown', 'sql_variant', 'text'],
];

describe('types through tedious from the TDS fixture', () => {
  let server: TdsServer;
  let source: SqlServerDataSource;

  beforeAll(async () => {
    server = await startTdsServer({ users: { ada: 'pw' } });
    source = await createSqlServerDataSource(
      { server: '127.0.0.1', port: server.port, database: 'test', encrypt: false },
      { dataSourceId: 'types', limits: { maxConnections: 2, idleTimeoutMs: 30_000, connectTimeoutMs: 5000 }, logger },
    );
  });
  afterAll(async () => {
    await source.close();
    await server.close();
  });

  it.each(valueCases)('%s → %s %s', async (sql, type, nativeType, expected) => {
    // Once NOT NULL (fixed-length form where the type has one), once nullable next to a NULL.
    const { columns, rows } = await select(source, `SELECT ${sql} AS v, ${sql.replace(/^CAST\((.*) AS ([^)]*\)?)\)$/s, 'CAST(NULL AS $2)')} AS n`);
    expect(columns).toEqual([{ kind: 'schema', columns: [{ name: 'v', type, nativeType, nullable: false }, { name: 'n', type, nativeType, nullable: true }] }]);
    expect(rows).toEqual([[expected, null]]);
  });

  it('reads a row of NULLs sent as NBCROW and a row of mixed values sent as ROW', async () => {
    const { rows } = await select(
      source,
      "SELECT CAST(NULL AS int) AS a, CAST(NULL AS decimal(10,2)) AS b, CAST(NULL AS datetime2) AS c UNION ALL SELECT CAST(1 AS int), CAST('2.5' AS decimal(10,2)), CAST(NULL AS datetime2)",
    );
    expect(rows).toEqual([
      [null, null, null],
      [1, '2.50', null],
    ]);
  });
});
