import { fileURLToPath } from 'node:url';
import { describeConnectorConformance } from '@causeway/testing';
import { loadOracleDriver } from './loadOracleDriver.js';
import type { OracleSettings } from './oracleSettings.js';

// The conformance kit against a live Oracle Database, opt-in: no Oracle server runs on the project's
// machines. Set CAUSEWAY_TEST_ORACLE_URL=oracle://user:password@host:1521/FREEPDB1 (Oracle 23ai: the
// boolean and JSON cases need it). The user needs SELECT on v$session and v$sqlarea (for example
// SELECT_CATALOG_ROLE) so the kit can see statements running on the server.
const url = process.env.CAUSEWAY_TEST_ORACLE_URL;
const skipped = 'set CAUSEWAY_TEST_ORACLE_URL (oracle://user:password@host:1521/SERVICE) to run the live Oracle conformance tests';
if (!url) console.log(`skipped: ${skipped}`);

// One column `V` of `expression(column_value)` over text literals, in the order given.
function values(expression: (text: string) => string, literals: Array<string | null>): string {
  const list = literals.map((literal) => (literal === null ? 'NULL' : `'${literal.replace(/'/g, "''")}'`)).join(', ');
  return `SELECT v FROM (SELECT ROWNUM AS i, ${expression('column_value')} AS v FROM TABLE(sys.odcivarchar2list(${list}))) ORDER BY i`;
}

describeConnectorConformance<OracleSettings>(
  'Oracle Database',
  async () => {
    const target = new URL(url!);
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || 1521);
    const serviceName = target.pathname.replace(/^\//, '');
    const driver = await loadOracleDriver();
    const admin = await driver.getConnection({ user, password, connectString: `${target.hostname}:${port}/${serviceName}` });
    return {
      name: 'Oracle Database',
      pluginDirectory: fileURLToPath(new URL('..', import.meta.url)),
      settings: { host, port, serviceName },
      address: { host, port },
      withAddress: (settings, address) => ({ ...settings, host: address.host, port: address.port }),
      identity: { kind: 'password', username: user, password },
      // An unknown user: ORA-01017 like a wrong password, without counting failed logons against the real account.
      wrongIdentity: { kind: 'password', username: 'CW_CONFORMANCE_NO_SUCH_USER', password: 'wrong-password-7c2e' },
      invalidSettings: [
        { settings: { host, serviceName, port: 70000 }, pointer: '/port' },
        { settings: { host }, pointer: '/serviceName' },
        { settings: { host: `${host}:${port}/${serviceName}`, serviceName }, pointer: '/host' },
        { settings: { host, serviceName, sid: 'ORCL' }, pointer: '/sid' },
        { settings: { host, serviceName, tls: { walletPassword: 'x' } }, pointer: '/tls/walletPassword' },
      ],
      queries: {
        types: [
          { type: 'boolean', nativeType: 'BOOLEAN', sql: values((t) => `TO_BOOLEAN(${t})`, ['true', 'false', null]), expected: [true, false, null], echoSql: 'SELECT CAST(:1 AS BOOLEAN) AS v FROM dual' },
          { type: 'int16', nativeType: 'NUMBER', sql: values((t) => `CAST(${t} AS NUMBER(4))`, ['-9999', '0', '9999', null]), expected: [-9999, 0, 9999, null], echoSql: 'SELECT CAST(:1 AS NUMBER(4)) AS v FROM dual' },
          {
            type: 'int32',
            nativeType: 'NUMBER',
            sql: values((t) => `CAST(${t} AS NUMBER(9))`, ['-999999999', '0', '999999999', null]),
            expected: [-999999999, 0, 999999999, null],
            echoSql: 'SELECT CAST(:1 AS NUMBER(9)) AS v FROM dual',
          },
          {
            type: 'int64',
            nativeType: 'NUMBER',
            sql: values((t) => `CAST(${t} AS NUMBER(18))`, ['-999999999999999999', '0', '999999999999999999', null]),
            expected: [-999999999999999999n, 0n, 999999999999999999n, null],
            echoSql: 'SELECT CAST(:1 AS NUMBER(18)) AS v FROM dual',
          },
          {
            type: 'float32',
            nativeType: 'BINARY_FLOAT',
            sql: values((t) => `TO_BINARY_FLOAT(${t})`, ['1.5', '-0.25', 'INF', null]),
            expected: [1.5, -0.25, Infinity, null],
            echoSql: 'SELECT CAST(:1 AS BINARY_FLOAT) AS v FROM dual',
          },
          {
            type: 'float64',
            nativeType: 'BINARY_DOUBLE',
            sql: values((t) => `TO_BINARY_DOUBLE(${t})`, ['0.1', '-2.5E-300', '1.7976931348623157E+308', null]),
            expected: [0.1, -2.5e-300, 1.7976931348623157e308, null],
            echoSql: 'SELECT CAST(:1 AS BINARY_DOUBLE) AS v FROM dual',
          },
          {
            type: 'decimal',
            nativeType: 'NUMBER',
            sql: values((t) => `TO_NUMBER(${t})`, ['12345678901234567890.123456789012345', '-0.5', '0', null]),
            expected: ['12345678901234567890.123456789012345', '-0.5', '0', null],
            echoSql: 'SELECT TO_NUMBER(:1) AS v FROM dual',
          },
          // Oracle stores '' as NULL, so there is no empty string to read back.
          {
            type: 'string',
            nativeType: 'VARCHAR2',
            sql: values((t) => `CAST(${t} AS VARCHAR2(100))`, ['héllo 😀 ✓', "it's", null]),
            expected: ['héllo 😀 ✓', "it's", null],
            echoSql: 'SELECT CAST(:1 AS VARCHAR2(100)) AS v FROM dual',
          },
          { type: 'string', nativeType: 'CLOB', sql: values((t) => `TO_CLOB(${t})`, ['a CLOB value', null]), expected: ['a CLOB value', null], echoSql: 'SELECT TO_CLOB(:1) AS v FROM dual' },
          {
            type: 'binary',
            nativeType: 'RAW',
            sql: values((t) => `HEXTORAW(${t})`, ['00FF10', null]),
            expected: [new Uint8Array([0, 255, 16]), null],
            echoSql: 'SELECT CAST(:1 AS RAW(100)) AS v FROM dual',
          },
          { type: 'binary', nativeType: 'BLOB', sql: values((t) => `TO_BLOB(HEXTORAW(${t}))`, ['0102', null]), expected: [new Uint8Array([1, 2]), null] },
          // Thin mode decodes datetimes with millisecond precision: finer digits are truncated.
          {
            type: 'timestamp',
            nativeType: 'TIMESTAMP',
            sql: values((t) => `TO_TIMESTAMP(${t}, 'YYYY-MM-DD HH24:MI:SS.FF9')`, ['2024-02-29 12:34:56.123456789', '1970-01-01 00:00:00.000000000', null]),
            expected: ['2024-02-29T12:34:56.123', '1970-01-01T00:00:00', null],
            echoSql: `SELECT TO_TIMESTAMP(:1, 'YYYY-MM-DD"T"HH24:MI:SS.FF') AS v FROM dual`,
            echoValues: ['2024-02-29T12:34:56.123'],
          },
          {
            type: 'timestamp',
            nativeType: 'DATE',
            sql: values((t) => `TO_DATE(${t}, 'YYYY-MM-DD HH24:MI:SS')`, ['2024-02-29 23:59:59', null]),
            expected: ['2024-02-29T23:59:59', null],
            echoSql: `SELECT TO_DATE(:1, 'YYYY-MM-DD"T"HH24:MI:SS') AS v FROM dual`,
          },
          {
            type: 'timestamptz',
            nativeType: 'TIMESTAMP WITH TIME ZONE',
            sql: values((t) => `TO_TIMESTAMP_TZ(${t}, 'YYYY-MM-DD HH24:MI:SS.FF TZH:TZM')`, ['2024-02-29 12:34:56.123 +02:00', '2000-01-01 00:00:00.0 +00:00', null]),
            expected: ['2024-02-29T10:34:56.123Z', '2000-01-01T00:00:00Z', null],
            echoSql: `SELECT TO_TIMESTAMP_TZ(REPLACE(:1, 'Z', '+00:00'), 'YYYY-MM-DD"T"HH24:MI:SS.FFTZH:TZM') AS v FROM dual`,
            echoValues: ['2024-02-29T10:34:56.123Z'],
          },
          {
            type: 'json',
            nativeType: 'JSON',
            sql: values((t) => `JSON(${t})`, ['{"a":[1,2.5,{"b":null}],"s":"é"}', '[]', null]),
            expected: [{ a: [1, 2.5, { b: null }], s: 'é' }, [], null],
            echoSql: 'SELECT JSON(:1) AS v FROM dual',
            echoValues: [{ a: [1, 2.5, { b: null }], s: 'é' }, { empty: [] }],
          },
          {
            type: 'unknown',
            nativeType: 'INTERVAL DAY TO SECOND',
            sql: values((t) => `TO_DSINTERVAL(${t})`, ['1 02:03:04.5', null]),
            expected: ['+01 02:03:04.500000', null],
          },
        ],
        nulls: {
          sql: 'SELECT CAST(NULL AS NUMBER(10)) a, CAST(NULL AS VARCHAR2(10)) b, CAST(NULL AS NUMBER) c, CAST(NULL AS TIMESTAMP WITH TIME ZONE) d, CAST(NULL AS RAW(10)) e, CAST(NULL AS BINARY_DOUBLE) f, TO_CLOB(NULL) g FROM dual',
          columns: 7,
        },
        parameters: [
          {
            name: 'mixed types, one parameter used twice',
            sql: 'SELECT CAST(:1 + 1 AS NUMBER(18)) a, :2 || :2 b, TO_NUMBER(:3) * 2 c, CAST(:4 AS RAW(10)) d FROM dual',
            parameters: [41n, 'ab', '1.25', new Uint8Array([1, 2])],
            expected: [[42n, 'abab', '2.5', new Uint8Array([1, 2])]],
          },
          {
            name: 'a filter',
            sql: 'SELECT CAST(level AS NUMBER(9)) n FROM dual WHERE level > :1 AND level <= :2 CONNECT BY level <= 10 ORDER BY n',
            parameters: [7, 9],
            expected: [[8], [9]],
          },
          { name: 'no injection through a parameter', sql: 'SELECT CAST(:1 AS VARCHAR2(100)) v FROM dual', parameters: ["'); drop table x; --"], expected: [["'); drop table x; --"]] },
          { name: 'a boolean parameter', sql: "SELECT CASE WHEN :1 THEN 'yes' ELSE 'no' END v FROM dual", parameters: [true], expected: [['yes']] },
        ],
        series: (rows, marker) => `SELECT /* ${marker} */ CAST(level AS NUMBER(10)) AS n, RPAD('x', 100, 'x') AS pad FROM dual CONNECT BY level <= ${rows}`,
        sleep: (seconds, marker) =>
          `WITH FUNCTION cw_sleep(s NUMBER) RETURN NUMBER IS BEGIN DBMS_SESSION.SLEEP(s); RETURN s; END; SELECT /* ${marker} */ cw_sleep(${seconds}) AS slept FROM dual`,
        error: { sql: 'SELECT * FROM cw_conformance_no_such_table', serverCode: 'ORA-00942' },
      },
      async runningStatements(marker) {
        const result = await admin.execute(
          "SELECT COUNT(*) FROM v$session s JOIN v$sqlarea a ON a.sql_id = s.sql_id WHERE s.status = 'ACTIVE' AND s.sid <> SYS_CONTEXT('USERENV', 'SID') AND a.sql_text LIKE '%' || :1 || '%'",
          { '1': marker },
          { outFormat: driver.OUT_FORMAT_ARRAY },
        );
        return Number(result.rows?.[0]?.[0] ?? 0);
      },
      teardown: () => admin.close(),
    };
  },
  { skip: url ? false : skipped },
);
