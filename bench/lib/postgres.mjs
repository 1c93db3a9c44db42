import pg from 'pg';
import { performance } from 'node:perf_hooks';

/** The PostgreSQL the project's machines run (trust auth on loopback). */
export const pgConfig = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };

/** The name of the bench table holding `rows` rows. */
export function benchTableName(rows) {
  return `bench_rows_${rows}`;
}

/**
 * Creates `bench_rows_<rows>` (8 columns, deterministic data) unless it already exists with the right
 * row count. The table is kept between runs on purpose: loading a million rows costs more than a run.
 */
export async function ensureBenchTable(rows) {
  const table = benchTableName(rows);
  const client = new pg.Client(pgConfig);
  await client.connect();
  try {
    const started = performance.now();
    // One bench at a time may create the table; a second one waits here, then finds it.
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [table]);
    const { rows: found } = await client.query('select to_regclass($1) as t', [table]);
    if (found[0].t) {
      const { rows: counted } = await client.query(`select count(*)::int8 as n from ${table}`);
      await client.query('commit');
      if (BigInt(counted[0].n) !== BigInt(rows)) {
        throw new Error(`table ${table} exists with ${counted[0].n} rows instead of ${rows}; drop it and run again`);
      }
      return { table, created: false, seconds: (performance.now() - started) / 1000 };
    }
    await client.query(`create table ${table} (
      id int8 primary key,
      n int4 not null,
      amount numeric(12,2) not null,
      label text not null,
      at timestamptz not null,
      flag bool not null,
      ratio float8 not null,
      ref uuid not null
    )`);
    // Every value derives from g alone, so every machine builds the same table.
    await client.query(
      `insert into ${table}
       select g,
              (g % 100000)::int4,
              ((g * 7919) % 10000000)::numeric / 100,
              'label-' || lpad(g::text, 14, '0'),
              timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',
              g % 3 = 0,
              g::float8 / 7,
              md5(g::text)::uuid
       from generate_series(1, $1::int8) as g`,
      [rows],
    );
    await client.query('commit');
    await client.query(`vacuum analyze ${table}`);
    return { table, created: true, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
