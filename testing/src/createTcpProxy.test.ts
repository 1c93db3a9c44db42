import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTcpProxy, unusedPort, type TcpProxy } from './createTcpProxy.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// A server that writes `total` bytes to each client as fast as the client takes them.
async function firehose(total: number): Promise<{ port: number }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    const chunk = Buffer.alloc(64 * 1024, 120);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => {
    sockets.forEach((s) => s.destroy());
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port };
}

async function proxyTo(port: number): Promise<TcpProxy> {
  const proxy = await createTcpProxy({ host: '127.0.0.1', port });
  cleanups.push(() => proxy.close());
  return proxy;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createTcpProxy', () => {
  it('forwards everything and counts the bytes from the server', async () => {
    const { port } = await firehose(1024 * 1024);
    const proxy = await proxyTo(port);
    const client = createConnection(proxy.address);
    let received = 0;
    client.on('data', (chunk: Buffer) => (received += chunk.length));
    await new Promise((resolve) => client.on('end', resolve));
    expect(received).toBe(1024 * 1024);
    expect(proxy.bytesFromServer).toBe(1024 * 1024);
    expect(proxy.connections).toBe(1);
  });

  it('stops reading from the server while the client does not read (flow control holds end to end)', async () => {
    const total = 200 * 1024 * 1024;
    const { port } = await firehose(total);
    const proxy = await proxyTo(port);
    const client = createConnection(proxy.address);
    cleanups.push(() => void client.destroy());
    client.pause();
    await wait(1500);
    const first = proxy.bytesFromServer;
    await wait(500);
    expect(proxy.bytesFromServer).toBe(first);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(total / 4);
  });

  it('cuts every connection on demand and still accepts new ones', async () => {
    const { port } = await firehose(100 * 1024 * 1024);
    const proxy = await proxyTo(port);
    const client = createConnection(proxy.address);
    client.pause();
    const closed = new Promise((resolve) => client.on('close', resolve));
    client.on('error', () => undefined);
    await wait(200);
    proxy.cut();
    // A paused socket does not read, so it sees the reset when it reads again.
    client.resume();
    await closed;
    const again = createConnection(proxy.address);
    cleanups.push(() => void again.destroy());
    await new Promise((resolve) => again.once('data', resolve));
    expect(proxy.connections).toBe(2);
  });

  it('finds a port nothing listens on', async () => {
    const port = await unusedPort();
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => createConnection({ host: '127.0.0.1', port }).on('error', resolve));
    expect(error.code).toBe('ECONNREFUSED');
  });
});
