import { fileURLToPath } from 'node:url';
import type { Logger, PasswordIdentity } from '@causeway/sdk';
import { describeConnectorConformance, type ConformanceQueries, type ConformanceSubject } from '@causeway/testing';
import { startTdsServer } from '../../../test/fixtures/tds/index.js';
import { createSqlServerDataSource } from './createSqlServerDataSource.js';
import type { SqlServerSettings } from './sqlServerSettings.js';

// The conformance kit runs twice: against the TDS fixture (always, no SQL Server needed) and,
// opt-in, against a real SQL Server named by CAUSEWAY_TEST_MSSQL_URL, for example
//   mssql://user:password@host:1433/database?encrypt=true&trustServerCertificate=true
// (encrypt is required: true, false or strict; also ca, hostNameInCertificate, instanceName). The
// live login needs VIEW SERVER STATE so the kit can see its statements in sys.dm_exec_requests.

const pluginDirectory = fileURLToPath(new URL('..', import.meta.url));
const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

// One row per literal, in order, as one column `v` of `type` (the same SQL runs on the fixture and on SQL Server).
const values = (type: string, literals: string[]): string =>
  `SELECT v FROM (VALUES ${literals.map((literal, i) => `(${i}, CAST(${literal} AS ${type}))`).join(', ')}) AS t(i, v) ORDER BY i`;
const echo = (type: string): string => `SELECT CAST(@p1 AS ${type}) AS v`;

function waitfor(seconds: number): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

function queries(series: ConformanceQueries['series']): ConformanceQueries {
  return {
    types: [
      { type: 'boolean', nativeType: 'bit', sql: values('bit', ['1', '0', 'NULL']), expected: [true, false, null], echoSql: echo('bit') },
      { type: 'int16', nativeType: 'smallint', sql: values('smallint', ['-32768', '0', '32767', 'NULL']), expected: [-32768, 0, 32767, null], echoSql: echo('smallint') },
      { type: 'int32', nativeType: 'int', sql: values('int', ['-2147483648', '0', '2147483647', 'NULL']), expected: [-2147483648, 0, 2147483647, null], echoSql: echo('int') },
      {
        type: 'int64',
        nativeType: 'bigint',
        sql: values('bigint', ['-9223372036854775808', '9007199254740993', '9223372036854775807', 'NULL']),
        expected: [-9223372036854775808n, 9007199254740993n, 9223372036854775807n, null],
        echoSql: echo('bigint'),
      },
      { type: 'float32', nativeType: 'real', sql: values('real', ["'1.5'", "'-0.25'", "'1.1'", 'NULL']), expected: [1.5, -0.25, Math.fround(1.1), null], echoSql: echo('real') },
      {
        type: 'float64',
        nativeType: 'float',
        sql: values('float', ["'0.1'", "'-2.5e-300'", "'1.7976931348623157e308'", 'NULL']),
        expected: [0.1, -2.5e-300, 1.7976931348623157e308, null],
        echoSql: echo('float'),
      },
      {
        type: 'decimal',
        nativeType: 'decimal(38,10)',
        sql: values('decimal(38,10)', ["'123456789012345678901234567.1234567891'", "'-0.5'", "'0'", 'NULL']),
        expected: ['123456789012345678901234567.1234567891', '-0.5000000000', '0.0000000000', null],
        echoSql: echo('decimal(38,10)'),
      },
      {
        type: 'string',
        nativeType: 'nvarchar(100)',
        sql: values('nvarchar(100)', ["N'héllo 😀 ✓'", "N''", "N'quote '' and \\ backslash'", 'NULL']),
        expected: ['héllo 😀 ✓', '', "quote ' and \\ backslash", null],
        echoSql: echo('nvarchar(100)'),
      },
      {
        type: 'binary',
        nativeType: 'varbinary(max)',
        sql: values('varbinary(max)', ['0x00FF10', '0x', 'NULL']),
        expected: [Buffer.from([0x00, 0xff, 0x10]), Buffer.alloc(0), null],
        echoSql: echo('varbinary(max)'),
      },
      { type: 'date', nativeType: 'date', sql: values('date', ["'2024-02-29'", "'0001-01-01'", "'9999-12-31'", 'NULL']), expected: ['2024-02-29', '0001-01-01', '9999-12-31', null], echoSql: echo('date') },
      {
        type: 'time',
        nativeType: 'time(7)',
        sql: values('time(7)', ["'00:00:00'", "'12:00:00.5'", "'23:59:59.9999999'", 'NULL']),
        // The seventh fractional digit (100 ns) is dropped: the SDK carries microseconds.
        expected: ['00:00:00', '12:00:00.5', '23:59:59.999999', null],
        echoSql: echo('time(7)'),
      },
      {
        type: 'timestamp',
        nativeType: 'datetime2(7)',
        sql: values('datetime2(7)', ["'2024-01-02 03:04:05.1234567'", "'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.9999999'", 'NULL']),
        expected: ['2024-01-02T03:04:05.123456', '0001-01-01T00:00:00', '9999-12-31T23:59:59.999999', null],
        echoSql: echo('datetime2(7)'),
      },
      {
        type: 'timestamptz',
        nativeType: 'datetimeoffset(7)',
        sql: values('datetimeoffset(7)', ["'2024-01-02 03:04:05.1234567 +05:30'", "'2024-06-30 23:59:59.999999 -07:00'", "'1970-01-01 00:00:00 +00:00'", 'NULL']),
        expected: ['2024-01-01T21:34:05.123456Z', '2024-07-01T06:59:59.999999Z', '1970-01-01T00:00:00Z', null],
        echoSql: echo('datetimeoffset(7)'),
      },
      {
        type: 'uuid',
        nativeType: 'uniqueidentifier',
        sql: values('uniqueidentifier', ["'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", 'NULL']),
        expected: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null],
        echoSql: echo('uniqueidentifier'),
      },
      {
        type: 'unknown',
        nativeType: 'sql_variant',
        sql: values('sql_variant', ['CAST(42 AS int)', "CAST('12.50' AS decimal(5,2))", "N'text'", 'NULL']),
        expected: ['42', '12.50', 'text', null],
        echoSql: echo('sql_variant'),
      },
    ],
    nulls: {
      sql: 'SELECT CAST(NULL AS int) AS a, CAST(NULL AS nvarchar(10)) AS b, CAST(NULL AS decimal(10,2)) AS c, CAST(NULL AS datetime2) AS d, CAST(NULL AS varbinary(10)) AS e, CAST(NULL AS bit) AS f, CAST(NULL AS uniqueidentifier) AS g',
      columns: 7,
    },
    parameters: [
      {
        name: 'numbers, text, bytes and booleans as @p1..@p5, @p1 used twice',
        sql: 'SELECT @p1 AS a, @p2 AS b, @p3 AS c, @p4 AS d, @p5 AS e, @p1 AS again',
        parameters: [42, "it's ✓", new Uint8Array([1, 2, 255]), true, 9007199254740993n],
        expected: [[42, "it's ✓", Buffer.from([1, 2, 255]), true, 9007199254740993n, 42]],
      },
      {
        name: 'decimal text stays exact',
        sql: 'SELECT CAST(@p1 AS decimal(38,10)) AS d',
        parameters: ['-123456789012345678901234567.1234567891'],
        expected: [['-123456789012345678901234567.1234567891']],
      },
      { name: 'NULL and a float', sql: 'SELECT CAST(@p1 AS int) AS n, @p2 AS f', parameters: [null, 0.5], expected: [[null, 0.5]] },
    ],
    series,
    sleep: (seconds, marker) => `/* ${marker} */ WAITFOR DELAY '${waitfor(seconds)}'; SELECT 1 AS slept`,
    error: { sql: 'SELECT * FROM cw_conformance_missing_table', serverCode: '208' },
  };
}

const invalidSettings = [
  { settings: { server: '127.0.0.1', database: 'test' }, pointer: '/encrypt' },
  { settings: { server: '127.0.0.1', database: 'test', encrypt: 'yes' }, pointer: '/encrypt' },
  { settings: { server: '127.0.0.1', database: 'test', encrypt: 'strict', trustServerCertificate: true }, pointer: '/trustServerCertificate' },
  { settings: { server: '127.0.0.1', database: 'test', encrypt: false, port: 70000 }, pointer: '/port' },
  { settings: { database: 'test', encrypt: false }, pointer: '/server' },
  { settings: { server: '127.0.0.1', database: 'test', encrypt: false, password: 'no' }, pointer: '/password' },
];

const withAddress = (settings: SqlServerSettings, address: { host: string; port: number }): SqlServerSettings => {
  const { instanceName: _instance, ...rest } = settings;
  return { ...rest, server: address.host, port: address.port };
};

describeConnectorConformance<SqlServerSettings>('SQL Server (TDS fixture)', async (): Promise<ConformanceSubject<SqlServerSettings>> => {
  const password = 'fixture-Passw0rd!';
  const server = await startTdsServer({ users: { causeway: password }, databases: ['causeway'] });
  return {
    name: 'SQL Server (TDS fixture)',
    pluginDirectory,
    settings: { server: '127.0.0.1', port: server.port, database: 'causeway', encrypt: false },
    address: { host: '127.0.0.1', port: server.port },
    withAddress,
    identity: { kind: 'password', username: 'causeway', password },
    wrongIdentity: { kind: 'password', username: 'causeway', password: 'not-the-Passw0rd' },
    invalidSettings,
    queries: queries((rows, marker) => `SELECT /* ${marker} */ value AS n, REPLICATE(N'x', 60) AS pad FROM GENERATE_SERIES(1, ${rows})`),
    runningStatements: async (marker) => server.runningStatements(marker),
    teardown: () => server.close(),
  };
});

const liveUrl = process.env.CAUSEWAY_TEST_MSSQL_URL;
const liveSkip = liveUrl ? false : 'set CAUSEWAY_TEST_MSSQL_URL (mssql://user:password@host:1433/database?encrypt=true&trustServerCertificate=true) to run the live SQL Server conformance suite';
if (liveSkip) console.log(`skipped: ${liveSkip}`);

describeConnectorConformance<SqlServerSettings>(
  'SQL Server (live)',
  async (): Promise<ConformanceSubject<SqlServerSettings>> => {
    const { settings, identity } = parseLiveUrl(liveUrl as string);
    const admin = await createSqlServerDataSource(settings, { dataSourceId: 'conformance-admin', limits: { maxConnections: 1, idleTimeoutMs: 60_000, connectTimeoutMs: 10_000 }, logger: silent });
    return {
      name: 'SQL Server (live)',
      pluginDirectory,
      settings,
      address: { host: settings.server, port: settings.port ?? 1433 },
      withAddress,
      identity,
      wrongIdentity: { ...identity, password: `${identity.password}-wrong` },
      invalidSettings,
      queries: queries(
        (rows, marker) =>
          `SELECT /* ${marker} */ TOP (${rows}) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS n, REPLICATE(N'x', 60) AS pad FROM sys.all_columns a CROSS JOIN sys.all_columns b ORDER BY n`,
      ),
      async runningStatements(marker) {
        const request = {
          text: 'SELECT COUNT(*) AS n FROM sys.dm_exec_requests r CROSS APPLY sys.dm_exec_sql_text(r.sql_handle) t WHERE r.session_id <> @@SPID AND t.text LIKE @p1',
          parameters: [`%${marker}%`],
          signal: new AbortController().signal,
          deadline: undefined,
          batchRows: 10,
        };
        for await (const part of admin.execute(request, identity)) if (part.kind === 'rows') return Number(part.rows[0]?.[0] ?? 0);
        return 0;
      },
      teardown: () => admin.close(),
    };
  },
  { skip: liveSkip },
);

/** Settings and a SQL login from `mssql://user:password@host[:port]/database?encrypt=…`. */
function parseLiveUrl(text: string): { settings: SqlServerSettings; identity: PasswordIdentity } {
  const url = new URL(text);
  const query = url.searchParams;
  const encrypt = query.get('encrypt');
  if (encrypt !== 'true' && encrypt !== 'false' && encrypt !== 'strict') throw new Error('CAUSEWAY_TEST_MSSQL_URL needs encrypt=true, encrypt=false or encrypt=strict');
  const settings: SqlServerSettings = {
    server: decodeURIComponent(url.hostname),
    port: url.port ? Number(url.port) : 1433,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'master',
    encrypt: encrypt === 'strict' ? 'strict' : encrypt === 'true',
  };
  if (query.get('trustServerCertificate') === 'true') settings.trustServerCertificate = true;
  for (const key of ['ca', 'hostNameInCertificate', 'instanceName'] as const) {
    const value = query.get(key);
    if (value) settings[key] = value;
  }
  return { settings, identity: { kind: 'password', username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } };
}
