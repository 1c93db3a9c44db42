import { connect, type Socket } from 'node:net';

/** Where a PostgreSQL server listens: a TCP host and port, or a Unix socket directory and port. */
export interface PgAddress {
  host: string;
  port: number;
}

// The CancelRequest code (1234 << 16 | 5678) from the PostgreSQL frontend/backend protocol.
const cancelRequestCode = 80877102;

/**
 * Asks the server to cancel whatever backend `processID` is running, with the protocol's
 * CancelRequest on a new socket: no login is needed and it works whatever the pool is doing.
 * Resolves true once the server has taken the request (it closes the socket), false on failure or
 * after `timeoutMs`; never rejects, since cancelling is best effort and the caller then discards
 * the session anyway.
 */
export function sendCancelRequest(address: PgAddress, processID: number, secretKey: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(cancelRequestCode, 4);
    packet.writeInt32BE(processID, 8);
    packet.writeInt32BE(secretKey, 12);
    let sent = false;
    let settled = false;
    const socket: Socket = address.host.startsWith('/') ? connect(`${address.host}/.s.PGSQL.${address.port}`) : connect(address.port, address.host);
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    timer.unref();
    socket.once('connect', () => {
      sent = true;
      socket.end(packet);
    });
    socket.on('data', () => undefined);
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(sent));
  });
}
