import type { Column, Value } from '@causeway/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/requireService.js';
import { pgConfig, startTestGateway, type TestGateway } from '../support/startTestGateway.js';

const table = `cw_types_${process.pid}_${Date.now()}`;
const columns = [
  'c_int2 int2', 'c_int4 int4', 'c_int8 int8', 'c_numeric numeric', 'c_float4 float4', 'c_float8 float8',
  'c_text text', 'c_varchar varchar(40)', 'c_bool bool', 'c_bytea bytea', 'c_date date', 'c_time time',
  'c_timestamp timestamp', 'c_timestamptz timestamptz', 'c_uuid uuid', 'c_json json', 'c_jsonb jsonb',
  'c_int4_arr int4[]', 'c_int8_arr int8[]', 'c_text_arr text[]', 'c_numeric_arr numeric[]', 'c_bool_arr bool[]',
];
const names = columns.map((c) => c.split(' ')[0]!);

/** How Postgres prints a value (session TimeZone UTC), from the portable value Causeway delivered. */
function asPostgresText(value: Value, column: Column): string | null {
  if (value === null) return null;
  switch (column.type) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'binary':
      return '\\x' + Buffer.from(value as Uint8Array).toString('hex');
    case 'timestamp':
      return (value as string).replace('T', ' ');
    case 'timestamptz':
      return (value as string).replace('T', ' ').replace(/Z$/, '+00');
    case 'json':
      return JSON.stringify(value);
    case 'float32':
    case 'float64':
      return String(value);
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

describe('a job end to end: client -> relay -> host -> PostgreSQL -> client', () => {
  let gw: TestGateway;
  let direct: pg.Client;

  beforeAll(async () => {
    await requireService('PostgreSQL', pgConfig.host, pgConfig.port);
    direct = new pg.Client(pgConfig);
    await direct.connect();
    await direct.query(`set TimeZone = 'UTC'`);
    await direct.query(`create table ${table} (id int primary key, ${columns.join(', ')})`);
    await direct.query(`insert into ${table} values
      (1, 32767, -2147483648, 9223372036854775807, 12345678901234567890.123456789, 1.5, 3.141592653589793,
       'héllo ✓ "quoted"', 'varchar', true, '\\xdeadbeef00', '2026-02-28', '23:59:59.123456',
       '2026-11-23 10:11:12.654321', '2026-11-23 10:11:12.654321+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
       '{"a": [1, 2.5, null], "b": "x"}', '{"nested": {"k": true}}',
       '{1,NULL,3}', '{-9223372036854775808,42}', '{"a","b,c",NULL}', '{1.10,-2}', '{t,f}'),
      (2, -1, 0, -1, -0.000001, 'NaN', '-Infinity', '', '', false, '\\x', '0001-01-01', '00:00:00',
       '1970-01-01 00:00:00', '1999-12-31 23:59:59.999999+00', '00000000-0000-0000-0000-000000000000',
       '[]', '"just a string"', '{}', '{}', '{}', '{}', '{}'),
      (3, ${names.map(() => 'NULL').join(', ')})`);
    gw = await startTestGateway();
  });

  afterAll(async () => {
    await gw?.stop();
    await direct?.query(`drop table if exists ${table}`);
    await direct?.end();
  });

  it.each(['msgpack', 'json'] as const)('delivers every mapped type and NULL exactly as PostgreSQL holds them (%s frames)', async (encoding) => {
    const stream = await gw.client.run(gw.gatewayId, {
      dataSource: 'pg',
      query: { text: `select ${names.join(', ')} from ${table} order by id` },
      credentials: { username: pgConfig.user, password: 'job-SECRET-password' },
      options: { encoding },
    });
    const result = await stream.collect();
    expect(result.columns.map((c) => c.name)).toEqual(names);
    expect(result.rows).toHaveLength(3);
    expect(result.summary.rows).toBe(3);

    const asText = await direct.query({ text: `select ${names.map((n) => `${n}::text`).join(', ')} from ${table} order by id`, rowMode: 'array' });
    const typed = await direct.query({ text: `select ${names.join(', ')} from ${table} order by id`, rowMode: 'array' });
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < names.length; c++) {
        const column = result.columns[c]!;
        const value = result.rows[r]![c]!;
        const expectedText = asText.rows[r]![c] as string | null;
        const where = `row ${r + 1} ${names[c]}`;
        if (column.type === 'array' && column.elementType === 'decimal') {
          // pg parses numeric[] into floats (1.10 -> 1.1); Postgres's own text form is the exact reference.
          expect(value === null ? null : `{${(value as string[]).join(',')}}`, where).toBe(expectedText);
        } else if (column.type === 'array') {
          // pg parses arrays itself; int8/numeric elements arrive from pg as strings, from Causeway as exact values.
          const normalise = (v: unknown): unknown => (Array.isArray(v) ? v.map(normalise) : typeof v === 'bigint' ? v.toString() : v);
          expect(normalise(value), where).toEqual(typed.rows[r]![c]);
        } else if (column.type === 'json') {
          expect(value, where).toEqual(expectedText === null ? null : JSON.parse(expectedText));
        } else if (column.type === 'float32' || column.type === 'float64') {
          expect(value === null ? null : Number(value), where).toEqual(expectedText === null ? null : Number(expectedText));
        } else {
          expect(asPostgresText(value, column), where).toBe(expectedText);
        }
      }
    }
    // Spot checks of the value forms themselves.
    const first = result.rows[0]!;
    expect(first[names.indexOf('c_int8')]).toBe(9223372036854775807n);
    expect(first[names.indexOf('c_numeric')]).toBe('12345678901234567890.123456789');
    expect(first[names.indexOf('c_bytea')]).toEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0]));
    expect(first[names.indexOf('c_timestamptz')]).toBe('2026-11-23T08:11:12.654321Z');
    expect(first[names.indexOf('c_int8_arr')]).toEqual([-9223372036854775808n, 42n]);
    expect(result.rows[2]!.every((v) => v === null)).toBe(true);
    expect(Object.fromEntries(result.columns.map((c) => [c.name, c.type]))).toMatchObject({
      c_int2: 'int16', c_int4: 'int32', c_int8: 'int64', c_numeric: 'decimal', c_float4: 'float32', c_float8: 'float64',
      c_text: 'string', c_bool: 'boolean', c_bytea: 'binary', c_date: 'date', c_time: 'time', c_timestamp: 'timestamp',
      c_timestamptz: 'timestamptz', c_uuid: 'uuid', c_json: 'json', c_jsonb: 'json', c_int4_arr: 'array',
    });
  });

  it('binds parameters of every JSON-carried kind, including exact bigints and bytes', async () => {
    const stream = await gw.client.run(gw.gatewayId, {
      dataSource: 'pg',
      query: { text: 'select $1::int8 + 1 as big, $2::bytea as raw, $3::text as t, $4::bool as b, $5::jsonb as j, $6::int4 as n', parameters: [9007199254740993n, new Uint8Array([1, 2, 255]), 'x', true, { k: [1] }, null] },
    });
    const { rows } = await stream.collect();
    expect(rows).toEqual([[9007199254740994n, new Uint8Array([1, 2, 255]), 'x', true, { k: [1] }, null]]);
  });

  it('uses the stored credential when the job carries none', async () => {
    const stream = await gw.client.run(gw.gatewayId, { dataSource: 'pg', query: { text: 'select current_user as u' } });
    expect((await stream.collect()).rows).toEqual([[pgConfig.user]]);
  });
});
