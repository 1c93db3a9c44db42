// Small TCP servers for real-driver failure tests (no HANA needed).
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A listening server on 127.0.0.1 and its port; `close` destroys its sockets too. */
export interface TcpFixture {
  port: number;
  close(): Promise<void>;
}

/** Starts a server that handles each socket with `onSocket` (e.g. stays silent, or writes garbage). */
export async function startTcpFixture(onSocket: (socket: Socket) => void): Promise<TcpFixture> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const fixture = await startTcpFixture(() => undefined);
  await fixture.close();
  return fixture.port;
}
