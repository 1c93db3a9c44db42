import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import type { ServerAddress } from './conformanceSubject.js';

/** A TCP forwarder in front of a server: counts the bytes the server sends and can cut every connection. */
export interface TcpProxy {
  /** Where clients connect (127.0.0.1 and a free port). */
  address: ServerAddress;
  /** Bytes read from the server so far, over all connections. */
  readonly bytesFromServer: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Destroys every open connection (both sides) as if the network failed; new connections still work. */
  cut(): void;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

/**
 * Starts a forwarder to `target`. Data is piped, so TCP flow control holds end to end: when the
 * client stops reading, the proxy stops reading from the server, and `bytesFromServer` stops
 * growing once the socket buffers are full. That is what lets the kit see read-ahead.
 */
export async function createTcpProxy(target: ServerAddress): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let bytesFromServer = 0;
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = createConnection({ host: target.host, port: target.port });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    upstream.on('data', (chunk: Buffer) => {
      bytesFromServer += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: { host: '127.0.0.1', port },
    get bytesFromServer() {
      return bytesFromServer;
    },
    get connections() {
      return connections;
    },
    cut() {
      for (const [client, upstream] of [...pairs]) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      pairs.clear();
    },
    close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
