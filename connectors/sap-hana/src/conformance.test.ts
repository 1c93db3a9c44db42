import { fileURLToPath } from 'node:url';
import type { ConnectionIdentity } from '@causeway/sdk';
import { describeConnectorConformance } from '@causeway/testing';
import type { HanaClient } from './hanaDriver.js';
import type { HanaSettings } from './hanaSettings.js';
import { createClientOptions } from './createClientOptions.js';
import { loadHdbDriver } from './loadHdbDriver.js';
import { closeHanaSession, openHanaSession, type HanaSession } from './openHanaSession.js';
import { createTestLogger } from './testing/testLogger.js';

// The conformance kit against a live SAP HANA, opt-in: no HANA runs on this project's machines.
// CAUSEWAY_TEST_HANA_URL=hana://user:password@host:39015/?databaseName=HXE[&useTLS=true&rejectUnauthorized=false&schema=S],
// with the tenant's own SQL port (see withAddress).
// The user needs to read SYS.M_ACTIVE_STATEMENTS (e.g. the MONITORING role) and to call
// SQLSCRIPT_SYNC:SLEEP_SECONDS (HANA 2.0 SPS 02 or later).
const url = process.env.CAUSEWAY_TEST_HANA_URL;
const skip = url ? false : 'set CAUSEWAY_TEST_HANA_URL (hana://user:password@host:port/?databaseName=HXE) to run the live SAP HANA conformance suite';
if (skip) console.log(`skipped: ${skip}`);

function parseUrl(text: string): { settings: HanaSettings; identity: ConnectionIdentity } {
  const parsed = new URL(text);
  if (parsed.protocol !== 'hana:') throw new Error('CAUSEWAY_TEST_HANA_URL must start with hana://');
  const settings: HanaSettings = { host: parsed.hostname, port: Number(parsed.port || 30015) };
  const query = parsed.searchParams;
  if (query.get('databaseName')) settings.databaseName = query.get('databaseName') as string;
  if (query.get('schema')) settings.schema = query.get('schema') as string;
  if (query.get('useTLS') === 'true') settings.useTLS = true;
  if (query.get('rejectUnauthorized') === 'false') settings.rejectUnauthorized = false;
  return { settings, identity: { kind: 'password', username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } };
}

// One column `V` of `type`, a row per literal, in order.
const values = (type: string, literals: string[]): string =>
  `SELECT V FROM (${literals.map((literal, i) => `SELECT ${i} AS I, CAST(${literal} AS ${type}) AS V FROM DUMMY`).join(' UNION ALL ')}) ORDER BY I`;

function count(client: HanaClient, sql: string): Promise<number> {
  return new Promise((resolve, reject) =>
    client.exec(sql, (error, rows) => {
      if (error) reject(error);
      else resolve(Number((rows as unknown[][])[0]?.[0] ?? 0));
    }),
  );
}

describeConnectorConformance<HanaSettings>(
  'SAP HANA',
  async () => {
    const { settings, identity } = parseUrl(url as string);
    const driver = await loadHdbDriver();
    const logger = createTestLogger();
    const admin: HanaSession = await openHanaSession(
      driver,
      await createClientOptions(settings, 10_000),
      { user: (identity as { username: string }).username, password: (identity as { password: string }).password },
      { connectTimeoutMs: 10_000, logger },
    );
    return {
      name: 'SAP HANA',
      pluginDirectory: fileURLToPath(new URL('..', import.meta.url)),
      settings,
      address: { host: settings.host, port: settings.port ?? 30015 },
      // The kit puts its TCP proxy in front of host:port. Name the tenant's own SQL port in the URL (HANA
      // Express: 39015 for HXE): through the system database's port the client would be redirected
      // to the tenant's port, past the proxy.
      withAddress: (s, address) => ({ ...s, host: address.host, port: address.port }),
      identity,
      wrongIdentity: { kind: 'password', username: (identity as { username: string }).username, password: 'cw-wrong-password-Zx81' },
      invalidSettings: [
        { settings: { host: 'hana', port: 70000 }, pointer: '/port' },
        { settings: { port: 30015 }, pointer: '/host' },
        { settings: { host: 'hana', ca: '/etc/ssl/hana-ca.pem' }, pointer: '/useTLS' },
        { settings: { host: 'hana', sslmode: 'require' }, pointer: '/sslmode' },
        { settings: { host: 'hana', fetchSize: 0 }, pointer: '/fetchSize' },
      ],
      queries: {
        types: [
          { type: 'boolean', nativeType: 'BOOLEAN', sql: values('BOOLEAN', ['TRUE', 'FALSE', 'NULL']), expected: [true, false, null], echoSql: 'SELECT CAST(? AS BOOLEAN) FROM DUMMY' },
          { type: 'int16', nativeType: 'SMALLINT', sql: values('SMALLINT', ['-32768', '0', '32767', 'NULL']), expected: [-32768, 0, 32767, null], echoSql: 'SELECT CAST(? AS SMALLINT) FROM DUMMY' },
          { type: 'int16', nativeType: 'TINYINT', sql: values('TINYINT', ['0', '255', 'NULL']), expected: [0, 255, null], echoSql: 'SELECT CAST(? AS TINYINT) FROM DUMMY' },
          {
            type: 'int32',
            nativeType: 'INTEGER',
            sql: values('INTEGER', ['-2147483648', '0', '2147483647', 'NULL']),
            expected: [-2147483648, 0, 2147483647, null],
            echoSql: 'SELECT CAST(? AS INTEGER) FROM DUMMY',
          },
          {
            type: 'int64',
            nativeType: 'BIGINT',
            sql: values('BIGINT', ['-9223372036854775808', '0', '9223372036854775807', 'NULL']),
            expected: [-9223372036854775808n, 0n, 9223372036854775807n, null],
            echoSql: 'SELECT CAST(? AS BIGINT) FROM DUMMY',
          },
          { type: 'float32', nativeType: 'REAL', sql: values('REAL', ['1.5', '-0.25', 'NULL']), expected: [1.5, -0.25, null], echoSql: 'SELECT CAST(? AS REAL) FROM DUMMY' },
          {
            type: 'float64',
            nativeType: 'DOUBLE',
            sql: values('DOUBLE', ['0.1', '-2.5e-300', '1.7976931348623157e308', 'NULL']),
            expected: [0.1, -2.5e-300, 1.7976931348623157e308, null],
            echoSql: 'SELECT CAST(? AS DOUBLE) FROM DUMMY',
          },
          {
            type: 'decimal',
            nativeType: 'DECIMAL',
            sql: values('DECIMAL(38,2)', ["'123456789012345678901234567890123456.78'", "'-0.50'", "'0'", 'NULL']),
            expected: ['123456789012345678901234567890123456.78', '-0.50', '0.00', null],
            echoSql: 'SELECT CAST(? AS DECIMAL(38,2)) FROM DUMMY',
          },
          // DECIMAL without precision is a floating decimal: hdb gives it in scientific form, the connector writes it out.
          { type: 'decimal', nativeType: 'DECIMAL', sql: values('DECIMAL', ["'1.25E+2'", "'-0.005'", 'NULL']), expected: ['125', '-0.005', null] },
          {
            type: 'string',
            nativeType: 'NVARCHAR',
            sql: values('NVARCHAR(100)', ["N'héllo 😀 ✓'", "N'a\\b'", 'NULL']),
            expected: ['héllo 😀 ✓', 'a\\b', null],
            echoSql: 'SELECT CAST(? AS NVARCHAR(100)) FROM DUMMY',
          },
          { type: 'string', nativeType: 'NCLOB', sql: 'SELECT TO_NCLOB(N\'a long text ✓\') AS V FROM DUMMY', expected: ['a long text ✓'] },
          {
            type: 'binary',
            nativeType: 'VARBINARY',
            sql: values('VARBINARY(10)', ["X'00FF10'", 'NULL']),
            expected: [new Uint8Array([0, 255, 16]), null],
            echoSql: 'SELECT CAST(? AS VARBINARY(10)) FROM DUMMY',
          },
          { type: 'binary', nativeType: 'BLOB', sql: "SELECT TO_BLOB(X'0102FF') AS V FROM DUMMY", expected: [new Uint8Array([1, 2, 255])] },
          { type: 'date', nativeType: 'DATE', sql: values('DATE', ["'2024-02-29'", "'1999-12-31'", 'NULL']), expected: ['2024-02-29', '1999-12-31', null], echoSql: 'SELECT CAST(? AS DATE) FROM DUMMY' },
          { type: 'time', nativeType: 'TIME', sql: values('TIME', ["'23:59:59'", "'00:00:00'", 'NULL']), expected: ['23:59:59', '00:00:00', null], echoSql: 'SELECT CAST(? AS TIME) FROM DUMMY' },
          {
            type: 'timestamp',
            nativeType: 'TIMESTAMP',
            // HANA keeps 100 ns; the seventh fractional digit is cut to the SDK's microseconds.
            sql: values('TIMESTAMP', ["'2024-02-29 12:34:56.1234567'", "'1970-01-01 00:00:00'", 'NULL']),
            expected: ['2024-02-29T12:34:56.123456', '1970-01-01T00:00:00', null],
            echoSql: 'SELECT CAST(? AS TIMESTAMP) FROM DUMMY',
          },
          {
            type: 'timestamp',
            nativeType: 'SECONDDATE',
            sql: values('SECONDDATE', ["'2024-02-29 12:34:56'", 'NULL']),
            expected: ['2024-02-29T12:34:56', null],
            echoSql: 'SELECT CAST(? AS SECONDDATE) FROM DUMMY',
          },
        ],
        nulls: {
          sql: 'SELECT CAST(NULL AS INTEGER), CAST(NULL AS NVARCHAR(10)), CAST(NULL AS DECIMAL(10,2)), CAST(NULL AS TIMESTAMP), CAST(NULL AS VARBINARY(10)), CAST(NULL AS BOOLEAN) FROM DUMMY',
          columns: 6,
        },
        parameters: [
          {
            name: 'mixed types',
            sql: "SELECT CAST(? AS BIGINT) + 1, CAST(? AS NVARCHAR(10)) || 'x', CAST(? AS DECIMAL(10,2)), CAST(? AS VARBINARY(4)) FROM DUMMY",
            parameters: [41n, 'ab', '1.25', new Uint8Array([1, 2])],
            expected: [[42n, 'abx', '1.25', new Uint8Array([1, 2])]],
          },
          {
            name: 'a filter',
            sql: 'SELECT GENERATED_PERIOD_START FROM SERIES_GENERATE_INTEGER(1, 1, 11) WHERE GENERATED_PERIOD_START > ? AND GENERATED_PERIOD_START <= ? ORDER BY 1',
            parameters: [7, 9],
            expected: [[8], [9]],
          },
          { name: 'no injection through a parameter', sql: 'SELECT CAST(? AS NVARCHAR(100)) FROM DUMMY', parameters: ["'); drop table x; --"], expected: [["'); drop table x; --"]] },
        ],
        series: (rows, marker) =>
          `SELECT GENERATED_PERIOD_START AS N, LPAD('x', 100, 'x') AS "${marker}" FROM SERIES_GENERATE_INTEGER(1, 1, ${rows + 1}) ORDER BY GENERATED_PERIOD_START`,
        // HANA has no sleep function for SELECT; an anonymous block sleeps with the built-in SQLSCRIPT_SYNC library, then returns one row.
        sleep: (seconds, marker) => `DO BEGIN USING SQLSCRIPT_SYNC AS SYNCLIB; CALL SYNCLIB:SLEEP_SECONDS(${seconds}); SELECT 1 AS "${marker}" FROM DUMMY; END`,
        error: { sql: 'SELECT * FROM CW_CONFORMANCE_NO_SUCH_TABLE', serverCode: '259' },
      },
      // Markers are cwk_ and hex digits, so they are safe in a literal; the admin's own statement is excluded.
      runningStatements: (marker) =>
        count(
          admin.client,
          `SELECT COUNT(*) FROM SYS.M_ACTIVE_STATEMENTS WHERE STATEMENT_STRING LIKE '%${marker}%' AND STATEMENT_STATUS IN ('ACTIVE', 'SUSPENDED') AND CONNECTION_ID <> CURRENT_CONNECTION`,
        ),
      teardown: () => closeHanaSession(admin, true, 5000),
    };
  },
  { skip },
);
