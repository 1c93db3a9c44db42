import net from 'node:net';
import tls from 'node:tls';
import type * as LdaptsModule from 'ldapts';
import type { Client } from 'ldapts';
import { abortReason, raceAbort } from './abortReason.js';
import type { DirectoryPhase } from './directoryErrors.js';

/** The ldapts module, imported when the first LDAP rule is built. */
export type Ldapts = typeof LdaptsModule;

/** Where and how to connect. */
export interface DirectoryEndpoint {
  url: string;
  startTls: boolean;
  /** `ca` is PEM text (already read from the file). */
  tls: { ca?: string; rejectUnauthorized: boolean; servername?: string };
  connectTimeoutMs: number;
  timeoutMs: number;
}

/** A failure in one phase of talking to the directory; `cause` is what ldapts or the socket threw. */
export class DirectoryOperationError extends Error {
  readonly phase: DirectoryPhase;

  constructor(phase: DirectoryPhase, cause: unknown) {
    super(`directory ${phase} failed`, { cause });
    this.name = 'DirectoryOperationError';
    this.phase = phase;
  }
}

/** A connected (and bound, when a bind was given) directory connection for one lookup. */
export interface DirectorySession {
  readonly url: string;
  /** Runs one request; failures become `DirectoryOperationError`, an abort rejects with the abort reason. */
  run<T>(phase: DirectoryPhase, operation: (client: Client) => Promise<T>): Promise<T>;
  /** Unbinds and closes the sockets; never throws. */
  close(): Promise<void>;
}

function hostOf(url: string): string {
  const host = new URL(url).hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Connects to one directory URL, upgrades with StartTLS when asked, and binds. Every socket ldapts
 * opens goes through our factories, so an abort destroys them at once, and a StartTLS handshake
 * (which ldapts does not time) is bounded by `connectTimeoutMs`. The password is handed to ldapts
 * only; it never reaches a message, an error or a log.
 */
export async function openDirectorySession(
  ldapts: Ldapts,
  endpoint: DirectoryEndpoint,
  bind: { dn: string; password: string } | undefined,
  signal: AbortSignal,
): Promise<DirectorySession> {
  const sockets = new Set<net.Socket>();
  let connected = false;
  const track = <S extends net.Socket>(socket: S): S => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // ldapts listens for errors while it uses a socket; this keeps a late one (after it let go) from crashing the process.
    socket.on('error', () => undefined);
    return socket;
  };
  const destroyAll = (error: Error): void => {
    for (const socket of sockets) socket.destroy(error);
  };
  const host = hostOf(endpoint.url);
  const servername = endpoint.tls.servername ?? (net.isIP(host) ? undefined : host);
  const tlsOptions: tls.ConnectionOptions = {
    rejectUnauthorized: endpoint.tls.rejectUnauthorized,
    minVersion: 'TLSv1.2',
    ...(endpoint.tls.ca ? { ca: endpoint.tls.ca } : {}),
    ...(servername ? { servername } : {}),
  };
  const secure = endpoint.url.toLowerCase().startsWith('ldaps:');

  const createConnection = ((...args: unknown[]) => {
    const socket = track((net.connect as (...a: unknown[]) => net.Socket)(...args));
    socket.once('connect', () => (connected = true));
    return socket;
  }) as typeof net.connect;
  const createSecureConnection = ((...args: unknown[]) => {
    const socket = track((tls.connect as (...a: unknown[]) => tls.TLSSocket)(...args));
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error(`TLS handshake not finished within ${endpoint.connectTimeoutMs} ms`), { code: 'ETIMEDOUT' })),
      endpoint.connectTimeoutMs,
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      connected = true;
    });
    socket.once('close', () => clearTimeout(timer));
    return socket;
  }) as typeof tls.connect;

  // ldapts treats any tlsOptions as "connect with TLS": give them only for ldaps://, and to startTLS.
  let client: Client;
  try {
    client = new ldapts.Client({
      url: endpoint.url,
      connectTimeout: endpoint.connectTimeoutMs,
      timeout: endpoint.timeoutMs,
      ...(secure ? { tlsOptions } : {}),
      createConnection,
      createSecureConnection,
    });
  } catch (error) {
    throw new DirectoryOperationError('connect', error);
  }

  const onAbort = (): void => destroyAll(abortReason(signal));
  signal.addEventListener('abort', onAbort, { once: true });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    signal.removeEventListener('abort', onAbort);
    if (!signal.aborted && client.isConnected) {
      const unbound = client.unbind().catch(() => undefined);
      const timer = new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref());
      await Promise.race([unbound, timer]);
    }
    destroyAll(new Error('directory session closed'));
  };

  const run = async <T>(phase: DirectoryPhase, operation: (c: Client) => Promise<T>): Promise<T> => {
    try {
      return await raceAbort(operation(client), signal);
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      throw new DirectoryOperationError(connected ? phase : 'connect', error);
    }
  };

  try {
    if (signal.aborted) throw abortReason(signal);
    if (endpoint.startTls && !secure) await run('StartTLS', (c) => c.startTLS({ ...tlsOptions, host }));
    if (bind) await run('bind', (c) => c.bind(bind.dn, bind.password));
  } catch (error) {
    await close();
    throw error;
  }
  return { url: endpoint.url, run, close };
}
