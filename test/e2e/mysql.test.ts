import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/requireService.js';
import { startTestGateway, type TestGateway } from '../support/startTestGateway.js';

const suffix = randomBytes(4).toString('hex');
const table = `cw_e2e_types_${suffix}`;
const user = `cw_e2e_${suffix}`;
const password = `maria-SECRET-${suffix}`;

// The whole path with the MySQL connector: client -> relay -> host -> MariaDB -> client.
describe('a job end to end against MariaDB (mysql connector)', () => {
  let gw: TestGateway;
  let admin: mysql.Connection;

  beforeAll(async () => {
    await requireService('MariaDB', '127.0.0.1', 3306);
    admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await admin.query(`GRANT SELECT ON test.* TO '${user}'@'%'`);
    await admin.query(`CREATE TABLE ${table} (
      id INT PRIMARY KEY, c_big BIGINT, c_ubig BIGINT UNSIGNED, c_dec DECIMAL(30,10), c_double DOUBLE, c_float FLOAT,
      c_text VARCHAR(50) CHARACTER SET utf8mb4, c_bin VARBINARY(8), c_date DATE, c_dt DATETIME(6), c_ts TIMESTAMP(6) NULL,
      c_bool TINYINT(1), c_json JSON, c_enum ENUM('red','green'))`);
    await admin.query(`SET time_zone = '+00:00'`);
    await admin.query(`INSERT INTO ${table} VALUES
      (1, -9223372036854775808, 18446744073709551615, -12345678901234567890.0123456789, 0.1, 1.5,
       'héllo 😀', X'00FF10', '2024-02-29', '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.654321',
       1, '{"a": [1, 2.5, null]}', 'green'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    gw = await startTestGateway({
      configure(config) {
        config.dataSources.maria = {
          connector: 'mysql',
          settings: { host: '127.0.0.1', port: 3306, database: 'test' },
          auth: { provider: 'stored-credential' },
        };
      },
    });
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
    await admin?.query(`DROP TABLE IF EXISTS ${table}`);
    await admin?.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await admin?.end();
  });

  it('delivers every mapped type exactly, and NULLs', async () => {
    const stream = await gw.client.run(gw.gatewayId, {
      dataSource: 'maria',
      query: { text: `SELECT c_big, c_ubig, c_dec, c_double, c_float, c_text, c_bin, c_date, c_dt, c_ts, c_bool, c_json, c_enum FROM ${table} ORDER BY id` },
      credentials: { username: user, password },
    });
    const { columns, rows } = await stream.collect();
    expect(columns.map((c) => c.type)).toEqual(['int64', 'int64', 'decimal', 'float64', 'float32', 'string', 'binary', 'date', 'timestamp', 'timestamptz', 'boolean', 'json', 'string']);
    expect(rows[0]).toEqual([
      -9223372036854775808n,
      18446744073709551615n,
      '-12345678901234567890.0123456789',
      0.1,
      1.5,
      'héllo 😀',
      new Uint8Array([0, 255, 16]),
      '2024-02-29',
      '2024-02-29T12:34:56.123456',
      '2024-02-29T12:34:56.654321Z',
      true,
      { a: [1, 2.5, null] },
      'green',
    ]);
    expect(rows[1]!.every((value) => value === null)).toBe(true);
  });

  it('binds parameters on the server and runs as the job user', async () => {
    const stream = await gw.client.run(gw.gatewayId, {
      dataSource: 'maria',
      query: { text: 'SELECT ? + 1 AS big, ? AS raw, CURRENT_USER() AS who', parameters: [9007199254740993n, new Uint8Array([1, 2, 255])] },
      credentials: { username: user, password },
    });
    const { rows } = await stream.collect();
    expect(rows).toEqual([[9007199254740994n, new Uint8Array([1, 2, 255]), `${user}@%`]]);
  });

  it('reports a wrong password as CW_AUTH_DENIED with the server code, and never echoes it', async () => {
    const wrong = `wrong-SECRET-${suffix}`;
    const stream = await gw.client.run(gw.gatewayId, {
      dataSource: 'maria',
      query: { text: 'SELECT 1' },
      credentials: { username: user, password: wrong },
    });
    const error = await stream.collect().then(
      () => undefined,
      (caught: unknown) => caught as { code: string; message: string; details?: Record<string, unknown> },
    );
    expect(error).toMatchObject({ code: 'CW_AUTH_DENIED' });
    expect(JSON.stringify(error)).not.toContain(wrong);
    expect(gw.logs.join('\n')).not.toContain(wrong);
    expect(gw.logs.join('\n')).not.toContain(password);
  });
});
