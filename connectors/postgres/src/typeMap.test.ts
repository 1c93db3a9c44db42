import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionOptions } from './createClientConfig.js';
import { columnForField, knownPgTypes, pgTypeParsers } from './typeMap.js';

// What each portable type's value should be, derived from the server's own `::text` form.
const fromText: Record<string, (text: string) => unknown> = {
  int2: Number,
  int4: Number,
  int8: BigInt,
  numeric: (t) => t,
  float4: Number,
  float8: Number,
  text: (t) => t,
  varchar: (t) => t,
  // char(n)::text trims the padding that the column's own output keeps.
  bpchar: (t) => t.padEnd(5),
  name: (t) => t,
  char: (t) => t,
  bool: (t) => t === 'true',
  bytea: (t) => Buffer.from(t.slice(2), 'hex'),
  date: (t) => t,
  time: (t) => t,
  timestamp: (t) => t.replace(' ', 'T'),
  timestamptz: (t) => t.replace(' ', 'T').replace(/\+00$/, 'Z'),
  uuid: (t) => t,
  json: (t) => JSON.parse(t),
  jsonb: (t) => JSON.parse(t),
};

const scalarCases: Array<[nativeType: string, type: string, literals: string[]]> = [
  ['int2', 'int16', ['-32768', '32767', '0']],
  ['int4', 'int32', ['-2147483648', '2147483647', '42']],
  ['int8', 'int64', ['-9223372036854775808', '9223372036854775807', '9007199254740993']],
  ['numeric', 'decimal', ["'-12.50'", "'NaN'", "'Infinity'", "'123456789012345678901234567890.000000000000000001'"]],
  ['float4', 'float32', ["'1.1'", "'NaN'", "'-Infinity'", "'3.4028235e+38'"]],
  ['float8', 'float64', ["'0.1'", "'1e308'", "'-0'", "'Infinity'", "'5e-324'"]],
  ['text', 'string', ["'héllo ✓'", "''", "'quote '' and \\ backslash'"]],
  ['varchar', 'string', ["'v'"]],
  ['bpchar', 'string', ["'ab'::char(5)"]],
  ['name', 'string', ["'pg_class'"]],
  ['bool', 'boolean', ['true', 'false']],
  ['bytea', 'binary', ["'\\x00ff10'", "''"]],
  ['date', 'date', ["'2024-02-29'", "'0001-01-01'"]],
  ['time', 'time', ["'00:00:00'", "'23:59:59.999999'", "'24:00:00'", "'12:00:00.5'"]],
  ['timestamp', 'timestamp', ["'2024-01-02 03:04:05.123456'", "'2024-01-02 03:04:05'", "'1999-12-31 23:59:59.000001'"]],
  ['timestamptz', 'timestamptz', ["'2024-01-02 03:04:05.123456+05:30'", "'2024-06-30 23:59:59.999999-07'", "'1970-01-01 00:00:00+00'"]],
  ['uuid', 'uuid', ["'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'"]],
  ['json', 'json', [`'{"a":[1,true,null],"b":"x"}'`, `'"scalar"'`, "'1.5'"]],
  ['jsonb', 'json', [`'{"a":[1,true,null],"b":"x"}'`, "'[]'"]],
];

describe('typeMap against PostgreSQL', () => {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', options: sessionOptions });
  const enumName = `cw_mood_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    await client.connect();
    await client.query(`create type ${enumName} as enum ('happy', 'sad')`);
  });
  afterAll(async () => {
    await client.query(`drop type if exists ${enumName}`);
    await client.end();
  });

  async function select(sql: string, values: unknown[] = []) {
    return client.query({ text: sql, values, rowMode: 'array', types: pgTypeParsers });
  }

  it('knows the built-in OIDs by the names the server gives them', async () => {
    const known = knownPgTypes();
    const { rows } = await client.query<{ oid: number; typname: string }>('select oid::int4 as oid, typname from pg_type where oid = any($1)', [known.map((k) => k.oid)]);
    const names = new Map(rows.map((r) => [r.oid, r.typname]));
    for (const { oid, nativeType } of known) expect(names.get(oid), `oid ${oid}`).toBe(nativeType);
  });

  it.each(scalarCases)('maps %s to %s, equal to its ::text form, and NULL to null', async (nativeType, type, literals) => {
    const values = literals.map((l) => `((${l})::${nativeType})`).join(', ');
    const result = await select(`select v, v::text from (values ${values}, (null::${nativeType})) as t(v)`);
    expect(columnForField(result.fields[0] as pg.FieldDef)).toEqual({ name: 'v', type, nativeType });
    const rows = result.rows as unknown[][];
    expect(rows.at(-1)).toEqual([null, null]);
    for (const [value, text] of rows.slice(0, -1)) {
      const expected = (fromText[nativeType] as (t: string) => unknown)(text as string);
      if (typeof expected === 'number' && Number.isNaN(expected)) expect(value).toBeNaN();
      else expect(value, `${nativeType} ${String(text)}`).toEqual(expected);
    }
  });

  it('returns timestamptz in UTC whatever TimeZone the session was switched to', async () => {
    await client.query("set TimeZone = 'America/St_Johns'");
    try {
      const { rows } = await select("select '2024-01-02 03:04:05.123456+00'::timestamptz, '2024-07-01 00:00:00+00'::timestamptz");
      expect(rows[0]).toEqual(['2024-01-02T03:04:05.123456Z', '2024-07-01T00:00:00Z']);
    } finally {
      await client.query("set TimeZone = 'UTC'");
    }
  });

  it('maps BC and infinite dates and timestamps', async () => {
    const { rows } = await select(
      "select '0044-03-15 BC'::date, 'infinity'::date, '0044-03-15 10:00:00.5 BC'::timestamp, '-infinity'::timestamp, '0044-03-15 10:00:00 BC'::timestamptz, 'infinity'::timestamptz",
    );
    expect(rows[0]).toEqual(['-0043-03-15', 'infinity', '-0043-03-15T10:00:00.5', '-infinity', '-0043-03-15T10:00:00Z', 'infinity']);
  });

  it('maps arrays to element types, nested and with NULL elements', async () => {
    const cases: Array<[sql: string, nativeType: string, elementType: string, expected: unknown]> = [
      ['array[1,null,3]::int4[]', '_int4', 'int32', [1, null, 3]],
      ['array[[1,2],[3,4]]::int2[]', '_int2', 'int16', [[1, 2], [3, 4]]],
      ['array[9223372036854775807, null]::int8[]', '_int8', 'int64', [9223372036854775807n, null]],
      ["array['1.50', 'NaN']::numeric[]", '_numeric', 'decimal', ['1.50', 'NaN']],
      ["array[0.1, 'Infinity']::float8[]", '_float8', 'float64', [0.1, Infinity]],
      ["array[1.5]::float4[]", '_float4', 'float32', [1.5]],
      [`array['a b', 'c"d', 'e\\f', 'NULL', null, '', '{x}']::text[]`, '_text', 'string', ['a b', 'c"d', 'e\\f', 'NULL', null, '', '{x}']],
      ["array['v']::varchar[]", '_varchar', 'string', ['v']],
      ["array['ab']::char(3)[]", '_bpchar', 'string', ['ab ']],
      ['array[true, false, null]', '_bool', 'boolean', [true, false, null]],
      ["array['\\x0102'::bytea, null]", '_bytea', 'binary', [Buffer.from([1, 2]), null]],
      ["array['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']::uuid[]", '_uuid', 'uuid', ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']],
      ["array['2024-02-29']::date[]", '_date', 'date', ['2024-02-29']],
      ["array['10:11:12.5']::time[]", '_time', 'time', ['10:11:12.5']],
      ["array['2024-01-02 03:04:05.123456']::timestamp[]", '_timestamp', 'timestamp', ['2024-01-02T03:04:05.123456']],
      ["array['2024-01-02 03:04:05.123456+01', null]::timestamptz[]", '_timestamptz', 'timestamptz', ['2024-01-02T02:04:05.123456Z', null]],
      [`array['{"a":1}', '[1,"x"]']::jsonb[]`, '_jsonb', 'json', [{ a: 1 }, [1, 'x']]],
      [`array['{"a":"b,c"}']::json[]`, '_json', 'json', [{ a: 'b,c' }]],
      ["'[0:1]={5,6}'::int4[]", '_int4', 'int32', [5, 6]],
      ["'{}'::text[]", '_text', 'string', []],
    ];
    for (const [sql, nativeType, elementType, expected] of cases) {
      const result = await select(`select ${sql} as v, null::${nativeType} as n`);
      expect(columnForField(result.fields[0] as pg.FieldDef), sql).toEqual({ name: 'v', type: 'array', elementType, nativeType });
      expect(result.rows[0], sql).toEqual([expected, null]);
    }
  });

  it("returns other types as unknown with the server's text", async () => {
    const result = await select(`select interval '1 day 02:00:00', '10.0.0.1/8'::inet, '12:00:00+02'::timetz, 'happy'::${enumName}, array[interval '1 hour']`);
    const columns = result.fields.map((f) => columnForField(f));
    expect(columns.map((c) => [c.type, c.nativeType])).toEqual([
      ['unknown', 'interval'],
      ['unknown', 'inet'],
      ['unknown', 'timetz'],
      ['unknown', expect.stringMatching(/^oid:\d+$/)],
      ['unknown', '_interval'],
    ]);
    expect(result.rows[0]).toEqual(['1 day 02:00:00', '10.0.0.1/8', '12:00:00+02', 'happy', '{01:00:00}']);
  });
});
