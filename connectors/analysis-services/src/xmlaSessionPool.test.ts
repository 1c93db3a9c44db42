import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createXmlaAgent, xmlaSessionPool } from './xmlaSessionPool.js';

describe('xmlaSessionPool', () => {
  it('counts leases and idle keep-alive sockets, and ends by destroying the agent', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = createXmlaAgent(false, { maxConnections: 2, idleTimeoutMs: 1000, connectTimeoutMs: 1000 }, { rejectUnauthorized: true });
    const pool = xmlaSessionPool(agent);
    try {
      const lease = await pool.acquire();
      expect(lease.agent).toBe(agent);
      expect([pool.total, pool.idle]).toEqual([1, 0]);
      await new Promise<void>((resolve, reject) => {
        request({ host: '127.0.0.1', port, agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
      // The socket goes back to the agent's free list a tick after the response ends.
      for (let i = 0; i < 50 && pool.idle === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect([pool.total, pool.idle]).toEqual([2, 1]);
      pool.release(lease, false);
      expect([pool.total, pool.idle]).toEqual([1, 1]);
      await pool.end();
      // Destroyed sockets leave the free list when they have closed.
      for (let i = 0; i < 50 && pool.total > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect([pool.total, pool.idle]).toEqual([0, 0]);
    } finally {
      server.close();
    }
  });

  it('allows one socket beyond the connection limit, for Cancel requests', () => {
    const agent = createXmlaAgent(true, { maxConnections: 3, idleTimeoutMs: 1000, connectTimeoutMs: 1000 }, { rejectUnauthorized: false });
    expect(agent.maxSockets).toBe(4);
    expect(agent.maxFreeSockets).toBe(3);
    expect((agent as unknown as { options: { rejectUnauthorized: boolean } }).options.rejectUnauthorized).toBe(false);
    agent.destroy();
  });
});
