import mysql from 'mysql2/promise';
import { performance } from 'node:perf_hooks';

/** The MariaDB the project's machines run (root without a password on loopback, database `test`). */
export const mariadbConfig = { host: '127.0.0.1', port: 3306, database: 'test', user: 'root', password: '' };

/** The name of the MariaDB bench table holding `rows` rows. */
export function mariadbBenchTableName(rows) {
  return `bench_rows_${rows}`;
}

/**
 * Creates `bench_rows_<rows>` in MariaDB (8 columns, deterministic data from the Sequence engine)
 * unless it already exists with the right row count. Kept between runs, like the PostgreSQL table.
 */
export async function ensureMariadbBenchTable(rows) {
  const table = mariadbBenchTableName(rows);
  const connection = await mysql.createConnection({ ...mariadbConfig, supportBigNumbers: true, bigNumberStrings: true });
  const started = performance.now();
  try {
    // One bench at a time may create the table; a second one waits here, then finds it.
    const [[lock]] = await connection.query({ sql: 'SELECT GET_LOCK(?, 900)', rowsAsArray: true }, [table]);
    if (Number(lock) !== 1) throw new Error(`could not lock ${table} for creation`);
    const [[exists]] = await connection.query({ sql: 'SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', rowsAsArray: true }, [table]);
    if (Number(exists) > 0) {
      const [[count]] = await connection.query({ sql: `SELECT COUNT(*) FROM ${table}`, rowsAsArray: true });
      if (BigInt(count) !== BigInt(rows)) throw new Error(`table ${table} exists with ${count} rows instead of ${rows}; drop it and run again`);
      return { table, created: false, seconds: (performance.now() - started) / 1000 };
    }
    const [engines] = await connection.query({ sql: "SELECT COUNT(*) FROM information_schema.engines WHERE engine = 'SEQUENCE' AND support IN ('YES', 'DEFAULT')", rowsAsArray: true });
    if (Number(engines[0][0]) === 0) throw new Error('the MariaDB Sequence engine (seq_1_to_N tables) is needed to build the bench table');
    await connection.query("SET SESSION time_zone = '+00:00'");
    await connection.query(`CREATE TABLE ${table} (
      id bigint PRIMARY KEY,
      n int NOT NULL,
      amount decimal(12,2) NOT NULL,
      label varchar(20) NOT NULL,
      at timestamp(6) NOT NULL DEFAULT '1970-01-01 00:00:01',
      flag tinyint(1) NOT NULL,
      ratio double NOT NULL,
      ref char(36) NOT NULL
    )`);
    // Every value derives from seq alone, so every machine builds the same table.
    await connection.query(`INSERT INTO ${table}
      SELECT seq,
             seq % 100000,
             ((seq * 7919) % 10000000) / 100,
             CONCAT('label-', LPAD(seq, 14, '0')),
             TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND,
             seq % 3 = 0,
             seq / 7e0,
             CONCAT_WS('-', SUBSTR(MD5(seq), 1, 8), SUBSTR(MD5(seq), 9, 4), SUBSTR(MD5(seq), 13, 4), SUBSTR(MD5(seq), 17, 4), SUBSTR(MD5(seq), 21, 12))
      FROM seq_1_to_${Number(rows)}`);
    await connection.query(`ANALYZE TABLE ${table}`);
    return { table, created: true, seconds: (performance.now() - started) / 1000 };
  } finally {
    await connection.query('SELECT RELEASE_LOCK(?)', [table]).catch(() => undefined);
    await connection.end();
  }
}
