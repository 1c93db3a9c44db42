import { createServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sendCancelRequest } from './sendCancelRequest.js';

describe('sendCancelRequest', () => {
  it('stops the statement running in a backend (57014)', async () => {
    const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
    await client.connect();
    try {
      const { processID, secretKey } = client as unknown as { processID: number; secretKey: number };
      const running = client.query('select pg_sleep(30)').then(
        () => 'finished',
        (error: { code?: string }) => error.code,
      );
      // The statement must be running before the cancel arrives, or the server ignores it.
      const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
      await admin.connect();
      try {
        for (let i = 0; i < 100; i++) {
          const { rows } = await admin.query("select count(*)::int as n from pg_stat_activity where pid = $1 and state = 'active'", [processID]);
          if (rows[0].n === 1) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        await admin.end();
      }
      expect(await sendCancelRequest({ host: '127.0.0.1', port: 5432 }, processID, secretKey, 5000)).toBe(true);
      expect(await running).toBe('57014');
      const { rows } = await client.query('select 1 as one');
      expect(rows[0].one).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('resolves false, never rejects, when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(await sendCancelRequest({ host: '127.0.0.1', port }, 1, 1, 5000)).toBe(false);
  });
});
