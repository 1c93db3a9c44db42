// TCP endpoints that behave like broken or refusing Oracle listeners, so the real driver's connect
// errors can be produced without an Oracle server. Test support only.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A listening test server and how to stop it. */
export interface TestEndpoint {
  port: number;
  close(): Promise<void>;
}

async function listen(onSocket: (socket: Socket) => void): Promise<TestEndpoint> {
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
  const endpoint = await listen(() => undefined);
  await endpoint.close();
  return endpoint.port;
}

/** Accepts connections and never says anything: the driver's connect timeout has to fire. */
export function silentServer(): Promise<TestEndpoint> {
  return listen(() => undefined);
}

/** Accepts a connection and closes it at once. */
export function closingServer(): Promise<TestEndpoint> {
  return listen((socket) => socket.end());
}

/**
 * Answers the driver's TNS CONNECT packet with a REFUSE packet carrying `(ERR=nnnnn)`, as a
 * listener does for an unknown service (12514) or when it has no handler (12520).
 */
export function refusingListener(oraError: number): Promise<TestEndpoint> {
  const data = Buffer.from(`(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR=${oraError})(ERROR_STACK=(ERROR=(CODE=${oraError})(EMFI=4))))`, 'ascii');
  const packet = Buffer.alloc(12 + data.length);
  packet.writeUInt16BE(packet.length, 0); // packet length
  packet[4] = 4; // NSPTRF: refuse
  packet[8] = 1; // user reason
  packet.writeUInt16BE(data.length, 10); // refuse data length
  data.copy(packet, 12);
  return listen((socket) => socket.once('data', () => socket.end(packet)));
}
