// The two databases the workloads run against, behind one shape: how the host reaches them, how a
// careful user reaches them directly (warm, one connection), the bench table, and a one-row query.
import mysql from 'mysql2';
import pg from 'pg';
import { ensureMariadbBenchTable, mariadbConfig } from './mariadb.mjs';
import { ensureBenchTable, pgConfig } from './postgres.mjs';

/** PostgreSQL: `pg` directly; the `postgres` connector through Causeway. */
export const postgresTarget = {
  name: 'postgres',
  dataSourceId: 'pg',
  hostDataSource: {
    id: 'pg',
    connector: 'postgres',
    settings: { host: pgConfig.host, port: pgConfig.port, database: pgConfig.database, ssl: { mode: 'disable' } },
    // PostgreSQL trusts loopback; the password only has to be present.
    username: pgConfig.user,
    password: 'x',
  },
  ensureTable: ensureBenchTable,
  oneRowQuery: (table) => `select * from ${table} where id = $1`,
  /** One warm connection; `query(text, params)` resolves the number of rows (array rows, as the connector asks). */
  async connect() {
    const client = new pg.Client(pgConfig);
    await client.connect();
    return {
      query: async (text, parameters) => (await client.query({ text, values: parameters, rowMode: 'array' })).rows.length,
      close: () => client.end(),
    };
  },
};

/** MariaDB: mysql2 directly with prepared statements (as the connector runs every statement); the `mysql` connector through Causeway. */
export const mariadbTarget = {
  name: 'mariadb',
  dataSourceId: 'mariadb',
  hostDataSource: {
    id: 'mariadb',
    connector: 'mysql',
    settings: { host: mariadbConfig.host, port: mariadbConfig.port, database: mariadbConfig.database },
    username: mariadbConfig.user,
    password: mariadbConfig.password,
  },
  ensureTable: ensureMariadbBenchTable,
  oneRowQuery: (table) => `SELECT * FROM ${table} WHERE id = ?`,
  async connect() {
    const connection = mysql.createConnection({ ...mariadbConfig, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true }).promise();
    await connection.connect();
    return {
      query: async (text, parameters) => (await connection.execute({ sql: text, rowsAsArray: true }, parameters))[0].length,
      close: () => connection.end(),
    };
  },
};
