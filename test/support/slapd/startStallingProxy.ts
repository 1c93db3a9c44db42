import net from 'node:net';

/** A TCP proxy to an LDAP server that goes silent once the client sends a given LDAP operation. */
export interface StallingProxy {
  port: number;
  /** Connections on which the operation was seen (and swallowed). */
  readonly stalled: number;
  close(): Promise<void>;
}

/** The BER tag of an LDAP operation inside an LDAPMessage, or undefined if `chunk` does not start one. */
function operationTag(chunk: Buffer): number | undefined {
  if (chunk[0] !== 0x30 || chunk.length < 2) return undefined;
  let at = 1;
  const first = chunk[at]!;
  at += first & 0x80 ? 1 + (first & 0x7f) : 1; // the message length, short or long form
  if (chunk[at] !== 0x02) return undefined; // messageID INTEGER
  const idLength = chunk[at + 1]!;
  return chunk[at + 2 + idLength];
}

/**
 * Forwards 127.0.0.1:<port> to `target` until the client sends an LDAPMessage whose operation has
 * `tag` (0x63: SearchRequest); from then on that connection's bytes go nowhere, in both directions,
 * so the client sees a server that accepted the request and never answers it. Assumes each client
 * write carries whole messages, as ldapts writes them.
 */
export async function startStallingProxy(target: { host: string; port: number }, tag = 0x63): Promise<StallingProxy> {
  const sockets = new Set<net.Socket>();
  let stalled = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    let silent = false;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk: Buffer) => {
      if (!silent && operationTag(chunk) === tag) {
        silent = true;
        stalled += 1;
      }
      if (!silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!silent) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the proxy has no port');
  return {
    port: address.port,
    get stalled() {
      return stalled;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
