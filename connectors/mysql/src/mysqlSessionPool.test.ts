import type { Logger } from '@causeway/sdk';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/requireService.js';
import { mysqlSessionPool } from './mysqlSessionPool.js';

const root = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' };
const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };

describe('mysqlSessionPool', () => {
  let admin: mysqlPromise.Connection;
  beforeAll(async () => {
    await requireService('MariaDB', '127.0.0.1', 3306);
    admin = await mysqlPromise.createConnection(root);
  });
  afterAll(() => admin?.end());

  const sessionExists = async (id: number): Promise<boolean> => {
    const [rows] = await admin.query({ sql: 'SELECT COUNT(*) FROM information_schema.processlist WHERE id = ?', rowsAsArray: true }, [id]);
    return Number((rows as unknown[][])[0]?.[0]) > 0;
  };

  it('sets a session up once, before its first lease, and reuses it', async () => {
    const setups: number[] = [];
    const pool = mysqlSessionPool(mysql.createPool({ ...root, connectionLimit: 2 }), {
      logger,
      setup: (connection) =>
        new Promise((resolve, reject) => {
          setups.push(connection.threadId);
          connection.query("SET SESSION time_zone = '+00:00'", (error) => (error ? reject(error) : resolve()));
        }),
    });
    try {
      const first = await pool.acquire();
      expect(pool.total).toBe(1);
      expect(pool.idle).toBe(0);
      pool.release(first, false);
      expect(pool.idle).toBe(1);
      const again = await pool.acquire();
      expect(again).toBe(first);
      expect(setups).toEqual([first.threadId]);
      const zone = await new Promise((resolve, reject) => again.query({ sql: 'SELECT @@session.time_zone', rowsAsArray: true }, (e, rows) => (e ? reject(e) : resolve(rows))));
      expect(zone).toEqual([['+00:00']]);
      pool.release(again, false);
    } finally {
      await pool.end();
    }
  });

  it('discards a session by dropping its socket, and the server forgets it', async () => {
    const pool = mysqlSessionPool(mysql.createPool({ ...root, connectionLimit: 2 }), { logger, setup: async () => undefined });
    try {
      const session = await pool.acquire();
      const id = session.threadId;
      expect(await sessionExists(id)).toBe(true);
      pool.release(session, true);
      expect(pool.total).toBe(0);
      for (let i = 0; i < 100 && (await sessionExists(id)); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await sessionExists(id)).toBe(false);
    } finally {
      await pool.end();
    }
  });

  it('rejects and drops a session whose setup fails', async () => {
    const pool = mysqlSessionPool(mysql.createPool({ ...root, connectionLimit: 2 }), {
      logger,
      setup: (connection) => new Promise((resolve, reject) => connection.query('SET SESSION no_such_variable_cw = 1', (error) => (error ? reject(error) : resolve()))),
    });
    try {
      await expect(pool.acquire()).rejects.toMatchObject({ errno: 1193 });
      expect(pool.total).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('survives an idle session the server ends, and drops it from the pool', async () => {
    const warnings: unknown[] = [];
    const watching: Logger = { ...logger, debug: (...args: unknown[]) => void warnings.push(args), child: () => watching };
    const pool = mysqlSessionPool(mysql.createPool({ ...root, connectionLimit: 2 }), { logger: watching, setup: async () => undefined });
    try {
      const session = await pool.acquire();
      pool.release(session, false);
      await admin.query(`KILL ${session.threadId}`);
      for (let i = 0; i < 100 && pool.total > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(pool.total).toBe(0);
      const fresh = await pool.acquire();
      expect(fresh.threadId).not.toBe(session.threadId);
      pool.release(fresh, false);
    } finally {
      await pool.end();
    }
  });
});
