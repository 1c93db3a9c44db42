import { fileURLToPath } from 'node:url';
import type { ConnectionIdentity } from '@causeway/sdk';
import { describeConnectorConformance, type ConformanceSubject } from '@causeway/testing';
import { startXmlaFixture, xmlaFixtureErrorCodes } from '../../../test/fixtures/xmla/index.js';
import type { XmlaSettings } from './xmlaSettings.js';

// The conformance kit against the XMLA protocol fixture (test/fixtures/xmla): real HTTP, real
// sessions and cancellation, the fixture's typed DAX shapes. The jobs run as an effective user on
// the service credential, the mode row-level security uses.
const service = { kind: 'password', username: 'svc', password: 'svc-secret' } as const;
const identity: ConnectionIdentity = { kind: 'effective-user', service, effectiveUserName: 'alice@contoso.com' };
const url = 'https://olap.example.com/olap/msmdpump.dll';

describeConnectorConformance<XmlaSettings>('Analysis Services (XMLA fixture)', async (): Promise<ConformanceSubject<XmlaSettings>> => {
  const fixture = await startXmlaFixture();
  const echo = (type: string): string => `EVALUATE ROW("v", CONVERT(@p1, ${type}))`;
  return {
    name: 'Analysis Services (XMLA fixture)',
    pluginDirectory: fileURLToPath(new URL('..', import.meta.url)),
    settings: { url: fixture.url, catalog: 'AdventureWorks' },
    identity,
    wrongIdentity: { kind: 'effective-user', service: { ...service, password: 'not-the-password' }, effectiveUserName: 'alice@contoso.com' },
    withAddress: (settings, address) => {
      const moved = new URL(settings.url);
      moved.hostname = address.host;
      moved.port = String(address.port);
      return { ...settings, url: moved.toString() };
    },
    address: fixture.address,
    invalidSettings: [
      { settings: {}, pointer: '/url' },
      { settings: { url: 'ftp://olap.example.com/olap/msmdpump.dll' }, pointer: '/url' },
      { settings: { url: 'https://svc:secret@olap.example.com/olap/msmdpump.dll' }, pointer: '/url' },
      { settings: { url, authentication: 'ntlm' }, pointer: '/authentication' },
      { settings: { url, timeoutMs: -1 }, pointer: '/timeoutMs' },
      { settings: { url, tls: { verify: true } }, pointer: '/tls/verify' },
      { settings: { url, password: 'no' }, pointer: '/password' },
    ],
    queries: {
      types: [
        { type: 'boolean', nativeType: 'xsd:boolean', sql: 'EVALUATE DATATABLE("v", BOOLEAN, {{TRUE}, {FALSE}, {BLANK()}})', expected: [true, false, null], echoSql: echo('BOOLEAN') },
        { type: 'int16', nativeType: 'xsd:short', sql: 'EVALUATE DATATABLE("v", INT16, {{-32768}, {32767}, {0}, {BLANK()}})', expected: [-32768, 32767, 0, null], echoSql: echo('INT16') },
        {
          type: 'int32',
          nativeType: 'xsd:int',
          sql: 'EVALUATE DATATABLE("v", INT32, {{-2147483648}, {2147483647}, {BLANK()}})',
          expected: [-2147483648, 2147483647, null],
          echoSql: echo('INT32'),
        },
        {
          type: 'int64',
          nativeType: 'xsd:long',
          sql: 'EVALUATE DATATABLE("v", INTEGER, {{-9223372036854775808}, {9223372036854775807}, {9007199254740993}, {BLANK()}})',
          expected: [-9223372036854775808n, 9223372036854775807n, 9007199254740993n, null],
          echoSql: echo('INTEGER'),
        },
        {
          type: 'float32',
          nativeType: 'xsd:float',
          sql: 'EVALUATE DATATABLE("v", SINGLE, {{1.5}, {-0.25}, {3.4028234663852886E+38}, {BLANK()}})',
          expected: [1.5, -0.25, 3.4028234663852886e38, null],
          echoSql: echo('SINGLE'),
        },
        {
          type: 'float64',
          nativeType: 'xsd:double',
          sql: 'EVALUATE DATATABLE("v", DOUBLE, {{0.1}, {-1.7976931348623157E+308}, {5E-324}, {BLANK()}})',
          expected: [0.1, -1.7976931348623157e308, 5e-324, null],
          echoSql: echo('DOUBLE'),
        },
        {
          type: 'decimal',
          nativeType: 'xsd:decimal',
          sql: 'EVALUATE DATATABLE("v", CURRENCY, {{"922337203685477.5807"}, {"-0.0001"}, {"12.50"}, {BLANK()}})',
          expected: ['922337203685477.5807', '-0.0001', '12.50', null],
          echoSql: echo('CURRENCY'),
        },
        {
          type: 'string',
          nativeType: 'xsd:string',
          sql: 'EVALUATE DATATABLE("v", STRING, {{"it\'s <b> & ""q"""}, {"ünïcödé 😀"}, {""}, {BLANK()}})',
          expected: ['it\'s <b> & "q"', 'ünïcödé 😀', '', null],
          echoSql: 'EVALUATE ROW("v", @p1)',
        },
        {
          type: 'binary',
          nativeType: 'xsd:base64Binary',
          sql: 'EVALUATE DATATABLE("v", BINARY, {{"AAH+/w=="}, {""}, {BLANK()}})',
          expected: [new Uint8Array([0, 1, 254, 255]), new Uint8Array(0), null],
          echoSql: 'EVALUATE ROW("v", @p1)',
        },
        { type: 'date', nativeType: 'xsd:date', sql: 'EVALUATE DATATABLE("v", DATE, {{"2024-02-29"}, {"0001-01-01"}, {BLANK()}})', expected: ['2024-02-29', '0001-01-01', null], echoSql: echo('DATE') },
        {
          type: 'timestamp',
          nativeType: 'xsd:dateTime',
          sql: 'EVALUATE DATATABLE("v", DATETIME, {{"2024-01-02T03:04:05.123456"}, {"1899-12-30T00:00:00"}, {BLANK()}})',
          expected: ['2024-01-02T03:04:05.123456', '1899-12-30T00:00:00', null],
          echoSql: echo('DATETIME'),
        },
        {
          type: 'timestamptz',
          nativeType: 'xsd:dateTime',
          sql: 'EVALUATE DATATABLE("v", DATETIMEZ, {{"2024-01-02T03:04:05.5Z"}, {"1999-12-31T23:59:59.000001Z"}, {BLANK()}})',
          expected: ['2024-01-02T03:04:05.5Z', '1999-12-31T23:59:59.000001Z', null],
          echoSql: echo('DATETIMEZ'),
        },
        {
          type: 'uuid',
          nativeType: 'uuid',
          sql: 'EVALUATE DATATABLE("v", GUID, {{"6C0B1D5E-0A0B-4C1D-9E2F-123456789ABC"}, {BLANK()}})',
          expected: ['6c0b1d5e-0a0b-4c1d-9e2f-123456789abc', null],
          echoSql: echo('GUID'),
        },
        { type: 'unknown', nativeType: 'xsd:duration', sql: 'EVALUATE DATATABLE("v", DURATION, {{"P1DT2H"}, {BLANK()}})', expected: ['P1DT2H', null], echoSql: echo('DURATION') },
      ],
      nulls: {
        sql: 'EVALUATE DATATABLE("a", INTEGER, "b", STRING, "c", DOUBLE, "d", DATETIME, "e", BOOLEAN, "f", CURRENCY, {{BLANK(), BLANK(), BLANK(), BLANK(), BLANK(), BLANK()}})',
        columns: 6,
      },
      parameters: [
        { name: 'scalars of several types, one used twice', sql: 'EVALUATE ROW("i", @p1, "s", @p2, "b", @p3, "again", @p1)', parameters: [7, "it's <&>", true], expected: [[7, "it's <&>", true, 7]] },
        {
          name: 'a 64-bit integer, bytes and a double',
          sql: 'EVALUATE ROW("l", @p1, "x", @p2, "d", @p3)',
          parameters: [9223372036854775807n, new Uint8Array([0, 255]), -2.5],
          expected: [[9223372036854775807n, new Uint8Array([0, 255]), -2.5]],
        },
        { name: 'NULL', sql: 'EVALUATE ROW("n", @p1)', parameters: [null], expected: [[null]] },
      ],
      series: (rows, marker) => `EVALUATE ADDCOLUMNS(GENERATESERIES(1, ${rows}), "pad", REPT("x", 100)) // ${marker}`,
      sleep: (seconds, marker) => `EVALUATE ROW("slept", SLEEP(${seconds})) // ${marker}`,
      error: { sql: "EVALUATE 'NoSuchTable'", serverCode: xmlaFixtureErrorCodes.unknownTable },
    },
    runningStatements: (marker) => Promise.resolve(fixture.runningStatements(marker)),
    teardown: () => fixture.close(),
  };
});
