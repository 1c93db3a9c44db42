import { fileURLToPath } from 'node:url';
import { describeConnectorConformance } from '@causeway/testing';
import pg from 'pg';
import { requireService } from '../../../test/support/requireService.js';
import type { PostgresSettings } from './postgresSettings.js';

// The conformance kit against the machine's PostgreSQL (required: CI fails without it).
describeConnectorConformance<PostgresSettings>('PostgreSQL', async () => {
  await requireService('PostgreSQL', '127.0.0.1', 5432);
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await admin.connect();
  const values = (type: string, literals: string[]): string =>
    `select v::${type} as v from (values ${literals.map((literal, i) => `(${i}, ${literal})`).join(', ')}) as t(i, v) order by i`;
  return {
    name: 'PostgreSQL',
    pluginDirectory: fileURLToPath(new URL('..', import.meta.url)),
    settings: { host: '127.0.0.1', port: 5432, database: 'test' },
    address: { host: '127.0.0.1', port: 5432 },
    withAddress: (settings, address) => ({ ...settings, host: address.host, port: address.port }),
    identity: { kind: 'password', username: 'postgres', password: 'conformance-password' },
    // The machine's PostgreSQL trusts every local login, so a refused identity is a role it does not know (28000).
    wrongIdentity: { kind: 'password', username: 'cw_conformance_no_such_role', password: 'wrong-password-5d1f' },
    invalidSettings: [
      { settings: { host: '127.0.0.1', database: 'test', port: 70000 }, pointer: '/port' },
      { settings: { database: 'test' }, pointer: '/host' },
      { settings: { host: '127.0.0.1', database: 'test', sslmode: 'require' }, pointer: '/sslmode' },
      { settings: { host: '127.0.0.1', database: 'test', ssl: { mode: 'sometimes' } }, pointer: '/ssl/mode' },
    ],
    queries: {
      types: [
        { type: 'boolean', sql: values('boolean', ['true', 'false', 'null']), expected: [true, false, null], echoSql: 'select $1::boolean' },
        { type: 'int16', nativeType: 'int2', sql: values('int2', ['-32768', '0', '32767', 'null']), expected: [-32768, 0, 32767, null], echoSql: 'select $1::int2' },
        {
          type: 'int32',
          nativeType: 'int4',
          sql: values('int4', ['-2147483648', '0', '2147483647', 'null']),
          expected: [-2147483648, 0, 2147483647, null],
          echoSql: 'select $1::int4',
        },
        {
          type: 'int64',
          nativeType: 'int8',
          sql: values('int8', ['-9223372036854775808', '0', '9223372036854775807', 'null']),
          expected: [-9223372036854775808n, 0n, 9223372036854775807n, null],
          echoSql: 'select $1::int8',
        },
        { type: 'float32', nativeType: 'float4', sql: values('float4', ['1.5', '-0.25', "'Infinity'", 'null']), expected: [1.5, -0.25, Infinity, null], echoSql: 'select $1::float4' },
        { type: 'float64', nativeType: 'float8', sql: values('float8', ['0.1', '-2.5e-300', '1.7976931348623157e308', 'null']), expected: [0.1, -2.5e-300, 1.7976931348623157e308, null], echoSql: 'select $1::float8' },
        {
          type: 'decimal',
          nativeType: 'numeric',
          sql: values('numeric', ["'12345678901234567890.123456789012345'", "'-0.50'", "'0'", "'NaN'", 'null']),
          expected: ['12345678901234567890.123456789012345', '-0.50', '0', 'NaN', null],
          echoSql: 'select $1::numeric',
        },
        { type: 'string', nativeType: 'text', sql: values('text', ["'héllo 😀 ✓'", "''", "'a\\b'", 'null']), expected: ['héllo 😀 ✓', '', 'a\\b', null], echoSql: 'select $1::text' },
        {
          type: 'binary',
          nativeType: 'bytea',
          sql: values('bytea', ["'\\x00ff10'", "''", 'null']),
          expected: [new Uint8Array([0, 255, 16]), new Uint8Array([]), null],
          echoSql: 'select $1::bytea',
        },
        { type: 'date', nativeType: 'date', sql: values('date', ["'2024-02-29'", "'1999-12-31'", 'null']), expected: ['2024-02-29', '1999-12-31', null], echoSql: 'select $1::date' },
        { type: 'time', nativeType: 'time', sql: values('time', ["'23:59:59.999999'", "'00:00:00'", 'null']), expected: ['23:59:59.999999', '00:00:00', null], echoSql: 'select $1::time' },
        {
          type: 'timestamp',
          nativeType: 'timestamp',
          sql: values('timestamp', ["'2024-02-29 12:34:56.123456'", "'1970-01-01 00:00:00'", 'null']),
          expected: ['2024-02-29T12:34:56.123456', '1970-01-01T00:00:00', null],
          echoSql: 'select $1::timestamp',
        },
        {
          type: 'timestamptz',
          nativeType: 'timestamptz',
          sql: values('timestamptz', ["'2024-02-29 12:34:56.123456+02'", "'2000-01-01 00:00:00Z'", 'null']),
          expected: ['2024-02-29T10:34:56.123456Z', '2000-01-01T00:00:00Z', null],
          echoSql: 'select $1::timestamptz',
        },
        {
          type: 'uuid',
          nativeType: 'uuid',
          sql: values('uuid', ["'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", 'null']),
          expected: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null],
          echoSql: 'select $1::uuid',
        },
        {
          type: 'json',
          nativeType: 'jsonb',
          sql: values('jsonb', [`'{"a": [1, 2.5, {"b": null}], "s": "é"}'`, "'[]'", 'null']),
          expected: [{ a: [1, 2.5, { b: null }], s: 'é' }, [], null],
          echoSql: 'select $1::jsonb',
          // A JS array parameter is a PostgreSQL array (int4[], text[]); a JSON array goes as JSON text.
          echoValues: [{ a: [1, 2.5, { b: null }], s: 'é' }, { empty: [] }],
        },
        { type: 'unknown', nativeType: 'interval', sql: values('interval', ["'1 day 02:03:04'", 'null']), expected: ['1 day 02:03:04', null], echoSql: 'select $1::interval' },
        { type: 'array', nativeType: '_int4', sql: values('int4[]', ["'{1,2,null}'", "'{}'", 'null']), expected: [[1, 2, null], [], null], echoSql: 'select $1::int4[]' },
      ],
      nulls: { sql: 'select null::int4, null::text, null::numeric, null::timestamptz, null::bytea, null::jsonb', columns: 6 },
      parameters: [
        { name: 'mixed types, one parameter used twice', sql: 'select $1::int8 + 1, $2::text || $2::text, $3::numeric * 2, $4::bytea', parameters: [41n, 'ab', '1.25', new Uint8Array([1, 2])], expected: [[42n, 'abab', '2.50', new Uint8Array([1, 2])]] },
        { name: 'a filter', sql: 'select g from generate_series(1, 10) g where g > $1 and g <= $2 order by g', parameters: [7, 9], expected: [[8], [9]] },
        { name: 'no injection through a parameter', sql: 'select $1::text', parameters: ["'); drop table x; --"], expected: [["'); drop table x; --"]] },
      ],
      series: (rows, marker) => `select g as n, repeat('x', 100) as pad from generate_series(1, ${rows}) as g -- ${marker}`,
      sleep: (seconds, marker) => `select pg_sleep(${seconds}) -- ${marker}`,
      error: { sql: 'select * from cw_conformance_no_such_table', serverCode: '42P01' },
    },
    async runningStatements(marker) {
      const result = await admin.query<{ n: string }>(
        "select count(*) as n from pg_stat_activity where query like '%' || $1 || '%' and state <> 'idle' and pid <> pg_backend_pid()",
        [marker],
      );
      return Number(result.rows[0]?.n ?? 0);
    },
    teardown: () => admin.end(),
  };
});
