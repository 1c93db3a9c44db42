import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Value } from '@causeway/sdk';
import { describeConnectorConformance, type TypeCase } from '@causeway/testing';
import mysql from 'mysql2/promise';
import { requireService } from '../../../test/support/requireService.js';
import type { MysqlSettings } from './mysqlSettings.js';

/** One table per type case: a column of that type holding the edge values, read back in order. */
interface TableCase {
  type: TypeCase['type'];
  nativeType: string;
  column: string;
  literals: string[];
  expected: Value[];
  /** `table` echo: `SELECT v FROM <table> WHERE v = ?` proves the parameter binds and compares; any other text is the echo query. */
  echo?: 'table' | string;
}

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

const cases: TableCase[] = [
  { type: 'boolean', nativeType: 'tinyint(1)', column: 'BOOL', literals: ['1', '0', 'NULL'], expected: [true, false, null], echo: 'table' },
  { type: 'boolean', nativeType: 'bit(1)', column: 'BIT(1)', literals: ["b'1'", "b'0'", 'NULL'], expected: [true, false, null] },
  { type: 'int16', nativeType: 'tinyint', column: 'TINYINT', literals: ['-128', '0', '127', 'NULL'], expected: [-128, 0, 127, null], echo: 'table' },
  { type: 'int16', nativeType: 'smallint', column: 'SMALLINT', literals: ['-32768', '0', '32767', 'NULL'], expected: [-32768, 0, 32767, null], echo: 'table' },
  { type: 'int16', nativeType: 'year', column: 'YEAR', literals: ['1901', '2155', 'NULL'], expected: [1901, 2155, null], echo: 'table' },
  { type: 'int32', nativeType: 'int', column: 'INT', literals: ['-2147483648', '0', '2147483647', 'NULL'], expected: [-2147483648, 0, 2147483647, null], echo: 'table' },
  { type: 'int32', nativeType: 'smallint unsigned', column: 'SMALLINT UNSIGNED', literals: ['0', '65535', 'NULL'], expected: [0, 65535, null], echo: 'table' },
  { type: 'int32', nativeType: 'mediumint unsigned', column: 'MEDIUMINT UNSIGNED', literals: ['0', '16777215', 'NULL'], expected: [0, 16777215, null], echo: 'table' },
  {
    type: 'int64',
    nativeType: 'bigint',
    column: 'BIGINT',
    literals: ['-9223372036854775808', '0', '9223372036854775807', 'NULL'],
    expected: [-9223372036854775808n, 0n, 9223372036854775807n, null],
    echo: 'SELECT CAST(? AS SIGNED)',
  },
  {
    type: 'int64',
    nativeType: 'bigint unsigned',
    column: 'BIGINT UNSIGNED',
    literals: ['0', '9223372036854775808', '18446744073709551615', 'NULL'],
    expected: [0n, 9223372036854775808n, 18446744073709551615n, null],
    echo: 'SELECT CAST(? AS UNSIGNED)',
  },
  { type: 'int64', nativeType: 'int unsigned', column: 'INT UNSIGNED', literals: ['0', '4294967295', 'NULL'], expected: [0n, 4294967295n, null], echo: 'table' },
  {
    type: 'float32',
    nativeType: 'float',
    column: 'FLOAT',
    literals: ['3.1415927', '-0.25', '3.4028235e38', '1.1754944e-38', 'NULL'],
    expected: [3.1415927, -0.25, 3.4028235e38, 1.1754944e-38, null],
    echo: 'SELECT CAST(? AS FLOAT)',
  },
  {
    type: 'float64',
    nativeType: 'double',
    column: 'DOUBLE',
    literals: ['0.1', '-2.5e-300', '1.7976931348623157e308', '2.2250738585072014e-308', 'NULL'],
    expected: [0.1, -2.5e-300, 1.7976931348623157e308, 2.2250738585072014e-308, null],
    echo: 'SELECT CAST(? AS DOUBLE)',
  },
  {
    type: 'decimal',
    nativeType: 'decimal',
    column: 'DECIMAL(65,30)',
    literals: ["'12345678901234567890123456789012345.123456789012345678901234567890'", "'-12345678901234567890123456789012345.000000000000000000000000000001'", "'-0.5'", '0', 'NULL'],
    expected: [
      '12345678901234567890123456789012345.123456789012345678901234567890',
      '-12345678901234567890123456789012345.000000000000000000000000000001',
      '-0.500000000000000000000000000000',
      '0.000000000000000000000000000000',
      null,
    ],
    echo: 'SELECT CAST(? AS DECIMAL(65,30))',
  },
  { type: 'decimal', nativeType: 'decimal', column: 'DECIMAL(12,2)', literals: ["'-9999999999.99'", "'0.10'", 'NULL'], expected: ['-9999999999.99', '0.10', null], echo: 'SELECT CAST(? AS DECIMAL(12,2))' },
  {
    type: 'string',
    nativeType: 'varchar',
    column: 'VARCHAR(50)',
    literals: ["'héllo 😀 ✓'", "''", "'a\\\\b'", "'it''s'", 'NULL'],
    expected: ['héllo 😀 ✓', '', 'a\\b', "it's", null],
    echo: 'SELECT CAST(? AS CHAR)',
  },
  { type: 'string', nativeType: 'text', column: 'TEXT', literals: ["'𝄞 four-byte 🎉'", "''", 'NULL'], expected: ['𝄞 four-byte 🎉', '', null], echo: 'table' },
  { type: 'string', nativeType: 'char', column: 'CHAR(5)', literals: ["'ab'", "''", 'NULL'], expected: ['ab', '', null], echo: 'table' },
  { type: 'string', nativeType: 'enum', column: "ENUM('a','b')", literals: ["'b'", 'NULL'], expected: ['b', null], echo: 'table' },
  {
    type: 'binary',
    nativeType: 'varbinary',
    column: 'VARBINARY(10)',
    literals: ["x'00ff10'", "x''", "x'000000'", 'NULL'],
    expected: [bytes(0, 255, 16), bytes(), bytes(0, 0, 0), null],
    echo: 'SELECT CAST(? AS BINARY)',
  },
  { type: 'binary', nativeType: 'blob', column: 'BLOB', literals: ["x'00'", 'NULL'], expected: [bytes(0), null], echo: 'SELECT ?' },
  { type: 'binary', nativeType: 'bit', column: 'BIT(10)', literals: ["b'1010101010'", 'NULL'], expected: [bytes(2, 170), null] },
  {
    type: 'date',
    nativeType: 'date',
    column: 'DATE',
    literals: ["'2024-02-29'", "'1000-01-01'", "'9999-12-31'", 'NULL'],
    expected: ['2024-02-29', '1000-01-01', '9999-12-31', null],
    echo: 'SELECT CAST(? AS DATE)',
  },
  // Zero dates (inserted with sql_mode = '') pass through; they neither fail nor become NULL.
  { type: 'date', nativeType: 'date', column: 'DATE', literals: ["'0000-00-00'", "'2024-00-00'"], expected: ['0000-00-00', '2024-00-00'] },
  {
    type: 'timestamp',
    nativeType: 'datetime',
    column: 'DATETIME(6)',
    literals: ["'2024-02-29 12:34:56.123456'", "'1970-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'", "'1000-01-01 00:00:00.000001'", 'NULL'],
    expected: ['2024-02-29T12:34:56.123456', '1970-01-01T00:00:00', '9999-12-31T23:59:59.999999', '1000-01-01T00:00:00.000001', null],
    echo: 'SELECT CAST(? AS DATETIME(6))',
  },
  {
    type: 'timestamptz',
    nativeType: 'timestamp',
    column: 'TIMESTAMP(6) NULL',
    literals: ["'2024-02-29 12:34:56.123456'", "'1970-01-01 00:00:01'", "'2038-01-19 03:14:07.999999'", 'NULL'],
    expected: ['2024-02-29T12:34:56.123456Z', '1970-01-01T00:00:01Z', '2038-01-19T03:14:07.999999Z', null],
    echo: 'timestamptz',
  },
  {
    type: 'uuid',
    nativeType: 'uuid',
    column: 'UUID',
    literals: ["'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "'00000000-0000-0000-0000-000000000000'", 'NULL'],
    expected: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '00000000-0000-0000-0000-000000000000', null],
    echo: 'SELECT CAST(? AS UUID)',
  },
  {
    type: 'json',
    nativeType: 'json',
    column: 'JSON',
    literals: [`'{"a": [1, 2.5, {"b": null}], "s": "é😀"}'`, "'[]'", "'12.5'", 'NULL'],
    expected: [{ a: [1, 2.5, { b: null }], s: 'é😀' }, [], 12.5, null],
    echo: "SELECT JSON_EXTRACT(?, '$')",
  },
  { type: 'json', nativeType: 'json', column: 'JSON', literals: [`'"text"'`, "'true'"], expected: ['text', true] },
  {
    type: 'unknown',
    nativeType: 'time',
    column: 'TIME(6)',
    literals: ["'-838:59:59'", "'838:59:59'", "'12:34:56.5'", "'00:00:00'", 'NULL'],
    expected: ['-838:59:59', '838:59:59', '12:34:56.5', '00:00:00', null],
    echo: 'SELECT CAST(? AS TIME(6))',
  },
];

// The conformance kit against the machine's MariaDB (required: CI fails without it).
describeConnectorConformance<MysqlSettings>('MariaDB', async () => {
  await requireService('MariaDB', '127.0.0.1', 3306);
  const suffix = randomBytes(4).toString('hex');
  const user = `cw_conf_${suffix}`;
  const password = `Conf-${randomBytes(8).toString('hex')}`;
  const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', charset: 'utf8mb4_unicode_ci' });
  const tables: string[] = [];
  const types: TypeCase[] = [];
  try {
    await admin.query("SET SESSION time_zone = '+00:00', sql_mode = ''");
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await admin.query(`GRANT SELECT ON test.* TO '${user}'@'%'`);
    for (const [index, typeCase] of cases.entries()) {
      const table = `cw_conf_${suffix}_${index}`;
      tables.push(table);
      await admin.query(`CREATE TABLE test.${table} (k int PRIMARY KEY, v ${typeCase.column})`);
      await admin.query(`INSERT INTO test.${table} VALUES ${typeCase.literals.map((literal, k) => `(${k}, ${literal})`).join(', ')}`);
      const echoSql =
        typeCase.echo === 'table'
          ? `SELECT v FROM test.${table} WHERE v = ? ORDER BY k`
          : typeCase.echo === 'timestamptz'
            ? `SELECT v FROM test.${table} WHERE v = CAST(? AS DATETIME(6)) ORDER BY k`
            : typeCase.echo;
      types.push({ type: typeCase.type, nativeType: typeCase.nativeType, sql: `SELECT v FROM test.${table} ORDER BY k`, expected: typeCase.expected, ...(echoSql ? { echoSql } : {}) });
    }
  } catch (error) {
    await admin.end();
    throw error;
  }

  return {
    name: 'MariaDB',
    pluginDirectory: fileURLToPath(new URL('..', import.meta.url)),
    settings: { host: '127.0.0.1', port: 3306, database: 'test' },
    address: { host: '127.0.0.1', port: 3306 },
    withAddress: (settings, address) => ({ ...settings, host: address.host, port: address.port }),
    identity: { kind: 'password', username: user, password },
    wrongIdentity: { kind: 'password', username: user, password: 'Wrong-Password-8c2f' },
    invalidSettings: [
      { settings: { host: '127.0.0.1', database: 'test', port: 70000 }, pointer: '/port' },
      { settings: { database: 'test' }, pointer: '/host' },
      { settings: { host: '127.0.0.1', sslmode: 'require' }, pointer: '/sslmode' },
      { settings: { host: '127.0.0.1', ssl: { mode: 'sometimes' } }, pointer: '/ssl/mode' },
      { settings: { host: '127.0.0.1', charset: 'latin1_swedish_ci' }, pointer: '/charset' },
      { settings: { host: '127.0.0.1', timeZone: 'SYSTEM' }, pointer: '/timeZone' },
      { settings: { host: '127.0.0.1', statementTimeoutMs: -1 }, pointer: '/statementTimeoutMs' },
    ],
    queries: {
      types,
      nulls: { sql: 'SELECT CAST(NULL AS SIGNED), CAST(NULL AS CHAR), CAST(NULL AS DECIMAL(10,2)), CAST(NULL AS DATETIME(6)), CAST(NULL AS BINARY), NULL', columns: 6 },
      parameters: [
        {
          name: 'mixed types (MySQL placeholders cannot be reused, so a value is sent twice)',
          sql: 'SELECT ? + 1, CONCAT(?, ?), CAST(? AS DECIMAL(10,2)) * 2, ?, ? IS NULL',
          parameters: [41n, 'ab', 'ab', '1.25', new Uint8Array([1, 0, 2]), null],
          expected: [[42n, 'abab', '2.50', new Uint8Array([1, 0, 2]), 1]],
        },
        { name: 'a filter', sql: 'SELECT seq FROM seq_1_to_10 WHERE seq > ? AND seq <= ? ORDER BY seq', parameters: [7, 9], expected: [[8n], [9n]] },
        { name: 'unsigned 64-bit and booleans', sql: 'SELECT ? - 1, ? IS TRUE, ? IS FALSE', parameters: [18446744073709551615n, true, false], expected: [[18446744073709551614n, 1, 1]] },
        { name: 'no injection through a parameter', sql: 'SELECT ?', parameters: ["'); DROP TABLE x; -- \\' \""], expected: [["'); DROP TABLE x; -- \\' \""]] },
      ],
      series: (rows, marker) => `SELECT seq AS n, REPEAT('x', 100) AS pad FROM seq_1_to_${rows} /* ${marker} */`,
      sleep: (seconds, marker) => `SELECT SLEEP(${seconds}) AS slept /* ${marker} */`,
      error: { sql: 'SELECT * FROM cw_conformance_no_such_table', serverCode: '1146' },
    },
    async runningStatements(marker) {
      const [rows] = await admin.query({ sql: "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE CONCAT('%', ?, '%') AND id <> CONNECTION_ID()", rowsAsArray: true }, [
        marker,
      ]);
      return Number((rows as unknown[][])[0]?.[0] ?? 0);
    },
    async teardown() {
      for (const table of tables) await admin.query(`DROP TABLE IF EXISTS test.${table}`);
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await admin.end();
    },
  };
});
