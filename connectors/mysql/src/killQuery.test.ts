import { createServer, type AddressInfo } from 'node:net';
import mysql from 'mysql2/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/requireService.js';
import { killQuery } from './killQuery.js';

const root = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' };

// Polls the process list until session `id` is inside SLEEP().
async function untilSleeping(id: number): Promise<void> {
  const admin = await mysql.createConnection(root);
  try {
    for (let i = 0; i < 200; i++) {
      const [rows] = await admin.query({ sql: "SELECT COUNT(*) FROM information_schema.processlist WHERE id = ? AND state = 'User sleep'", rowsAsArray: true }, [id]);
      if (Number((rows as unknown[][])[0]?.[0]) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`session ${id} never started sleeping`);
  } finally {
    await admin.end();
  }
}

describe('killQuery', () => {
  beforeAll(() => requireService('MariaDB', '127.0.0.1', 3306));

  it('stops the running statement with KILL QUERY and leaves the session usable', async () => {
    const victim = await mysql.createConnection(root);
    try {
      const started = Date.now();
      const sleeping = victim.query('SELECT SLEEP(30)').then(
        () => undefined,
        (error: { errno?: number }) => error,
      );
      await untilSleeping(victim.threadId);
      expect(await killQuery(root, victim.threadId, 5000)).toBe(true);
      expect(await sleeping).toMatchObject({ errno: 1317 });
      expect(Date.now() - started).toBeLessThan(10_000);
      const [rows] = await victim.query({ sql: 'SELECT 1', rowsAsArray: true });
      expect(rows).toEqual([[1]]);
    } finally {
      await victim.end();
    }
  });

  it("ends the whole session with what = 'connection'", async () => {
    const victim = await mysql.createConnection(root);
    victim.on('error', () => undefined);
    const closed = new Promise((resolve) => (victim as unknown as { connection: { stream: NodeJS.EventEmitter } }).connection.stream.once('close', resolve));
    expect(await killQuery(root, victim.threadId, 5000, 'connection')).toBe(true);
    await closed;
    await expect(victim.query('SELECT 1')).rejects.toThrow();
    victim.destroy();
  });

  it('resolves false, never rejects, for an unknown session, a bad id or a server that does not answer', async () => {
    expect(await killQuery(root, 2_000_000_000, 5000)).toBe(false);
    expect(await killQuery(root, -1, 5000)).toBe(false);
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      expect(await killQuery({ ...root, port: (silent.address() as AddressInfo).port }, 42, 300)).toBe(false);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.close();
    }
  });
});
