import { createHash, createPublicKey, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { RELAY_CLOSE_REPLACED, RELAY_GATEWAY_PATH, keyIdOf } from '@causeway/protocol';
import { CausewayError, type ErrorCode, type Logger } from '@causeway/sdk';
import { WebSocketServer } from 'ws';
import { startGatewaySession, type GatewayKey, type GatewaySession } from './gatewaySession.js';
import { createJobRouter, type RelayStats } from './jobRouter.js';
import { createNoopLogger } from './noopLogger.js';
import { readJsonBody } from './readJsonBody.js';
import { JOB_ID_HEADER, RESULTS_CONTENT_TYPE } from './resultsExchange.js';

/** Options of the embedded relay. */
export interface RelayServerOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port; default 0 (a free port, see `url` after `start()`). */
  port?: number;
  /** Where the relay logs; default a logger that drops everything. */
  logger?: Logger;
  /** Bearer tokens the client API accepts. */
  clientTokens: string[];
  /** Gateways allowed to connect, with their public keys (SPKI PEM). */
  gateways?: Array<{ id: string; publicKey: string }>;
  /** How long a job waits for its gateway before it fails with `CW_GATEWAY_OFFLINE`; default 30 s. */
  offlineTimeoutMs?: number;
  /** Frames a gateway may send ahead of what the client has taken, per job; default 16. */
  creditFrames?: number;
  /** How long a gateway has to complete the handshake; default 10 s. */
  handshakeTimeoutMs?: number;
  /** Interval of WebSocket pings to gateways; a gateway silent for two intervals is cut; default 15 s. */
  heartbeatMs?: number;
  /** How long a submitted job waits for a client to read its results before it is dropped; default 5 min. */
  unclaimedJobTimeoutMs?: number;
  /** Largest job body a client may post; default 2 MiB. */
  maxJobBytes?: number;
}

/** A running (or ready to start) embedded relay. */
export interface RelayServer {
  /** `http://host:port`, known after `start()`. */
  readonly url: string;
  /** `ws://host:port`, the base a gateway's websocket transport dials. */
  readonly wsUrl: string;
  /** Listens; resolves once the port is bound. */
  start(): Promise<void>;
  /** Cuts every gateway and reader and stops listening. */
  stop(): Promise<void>;
  /** Allows a gateway to connect with this public key (replacing an earlier key, which cuts its connection). */
  registerGateway(id: string, publicKeyPem: string): void;
  /** Test hook: cuts the gateway's socket abruptly, as a network failure would. */
  dropGatewayConnections(id: string): void;
  /** Counters. */
  stats(): RelayStats;
}

/** The WebSocket message size the relay accepts from gateways (one result frame plus its job id). */
const MAX_GATEWAY_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Response headers of a results stream. */
const RESULTS_HEADERS = { 'content-type': RESULTS_CONTENT_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/** A job POST that accepts the results stream wants it in the same response (no 202 + GET). */
function wantsResultsStream(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes(RESULTS_CONTENT_TYPE);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { code, message }, headers);
}

/** Creates the embedded relay: the client HTTP API and the gateways' WebSocket endpoint on one port. */
export function createRelayServer(options: RelayServerOptions): RelayServer {
  const logger = options.logger ?? createNoopLogger();
  const host = options.host ?? '127.0.0.1';
  const maxJobBytes = options.maxJobBytes ?? 2 * 1024 * 1024;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  // Tokens are compared as digests so the comparison is constant-time whatever their lengths.
  const tokenDigests = options.clientTokens.map(digest);
  const keys = new Map<string, GatewayKey & { pem: string }>();
  const sessions = new Map<string, GatewaySession>();
  const allSockets = new Set<GatewaySession>();
  const router = createJobRouter({
    logger,
    creditFrames: options.creditFrames ?? 16,
    offlineTimeoutMs: options.offlineTimeoutMs ?? 30_000,
    unclaimedJobTimeoutMs: options.unclaimedJobTimeoutMs ?? 300_000,
  });
  let address: AddressInfo | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const registerGateway = (id: string, publicKeyPem: string): void => {
    let publicKey;
    try {
      publicKey = createPublicKey(publicKeyPem);
    } catch (error) {
      throw new CausewayError('CW_CONFIG_INVALID', `gateway "${id}": the public key is not a valid SPKI PEM`, { cause: error });
    }
    const previous = keys.get(id);
    keys.set(id, { keyId: keyIdOf(publicKey), publicKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    if (previous && previous.keyId !== keys.get(id)!.keyId) sessions.get(id)?.terminate();
  };
  for (const gateway of options.gateways ?? []) registerGateway(gateway.id, gateway.publicKey);

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) return false;
    const presented = digest(match[1]!.trim());
    let ok = false;
    for (const token of tokenDigests) ok = timingSafeEqual(token, presented) || ok;
    return ok;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://relay');
    const method = req.method ?? 'GET';
    if (!authorized(req)) {
      return sendError(res, 401, 'CW_RELAY_AUTH_FAILED', 'missing or unknown bearer token', { 'www-authenticate': 'Bearer' });
    }
    const parts = url.pathname.split('/').slice(1);
    let segments: string[];
    try {
      segments = parts.map((p) => decodeURIComponent(p));
    } catch {
      return sendError(res, 400, 'CW_RELAY_PROTOCOL', `the path ${url.pathname} is not valid percent-encoding`);
    }
    const [v1, collection, id, sub, ...rest] = segments;
    if (v1 === 'v1' && collection === 'gateways' && id && rest.length === 0) {
      const key = keys.get(id);
      if (sub === undefined && method === 'GET') {
        if (!key) return sendError(res, 404, 'CW_GATEWAY_OFFLINE', `gateway "${id}" is not registered with this relay`);
        return sendJson(res, 200, { id, keyId: key.keyId, publicKey: key.pem, connected: router.isConnected(id) });
      }
      if (sub === 'jobs' && method === 'POST') {
        if (!key) return sendError(res, 404, 'CW_GATEWAY_OFFLINE', `gateway "${id}" is not registered with this relay`);
        const body = await readJsonBody(req, maxJobBytes);
        if (!body.ok) return sendError(res, body.status, body.code, body.message, body.status === 413 ? { connection: 'close' } : {});
        if (!body.value || typeof body.value !== 'object' || Array.isArray(body.value)) {
          return sendError(res, 400, 'CW_JOB_INVALID', 'request body must be a JSON object (a relay job without jobId)');
        }
        // The relay does not check the job against its schema: the gateway does, and answers with an error frame.
        if (wantsResultsStream(req)) {
          // One exchange per query: this response is the job's results stream. The router writes
          // nothing before submit returns (frames and failures come from I/O and timers), so the
          // headers, with the job id the relay just assigned, still go first: with the first frame,
          // or alone when none has come shortly (the router's HEADERS_ALONE_AFTER_MS).
          const jobId = router.submit(id, body.value as Record<string, unknown>, res);
          res.writeHead(200, { ...RESULTS_HEADERS, [JOB_ID_HEADER]: jobId });
          return;
        }
        const jobId = router.submit(id, body.value as Record<string, unknown>);
        return sendJson(res, 202, { jobId });
      }
    }
    if (v1 === 'v1' && collection === 'jobs' && id && rest.length === 0) {
      if (sub === 'results' && method === 'GET') {
        const state = router.readerState(id);
        if (state === 'unknown') return sendError(res, 404, 'CW_JOB_INVALID', `job ${id} is unknown to this relay (never submitted, or already finished)`);
        if (state === 'attached') return sendError(res, 409, 'CW_RELAY_PROTOCOL', `job ${id} already has a results reader`);
        res.writeHead(200, RESULTS_HEADERS);
        router.attachReader(id, res);
        return;
      }
      if (sub === undefined && method === 'DELETE') {
        if (!router.cancel(id)) return sendError(res, 404, 'CW_JOB_INVALID', `job ${id} is unknown to this relay (never submitted, or already finished)`);
        return sendJson(res, 202, { jobId: id, cancelled: true });
      }
    }
    return sendError(res, 404, 'CW_RELAY_PROTOCOL', `no route for ${method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ error: (error as Error).message, path: req.url }, 'relay request failed');
      if (!res.headersSent) sendError(res, 500, 'CW_INTERNAL', 'the relay failed to handle the request');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_GATEWAY_MESSAGE_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://relay').pathname;
    if (path !== RELAY_GATEWAY_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = startGatewaySession(ws, {
        logger,
        rawSocket: socket,
        handshakeTimeoutMs,
        lookup: (gatewayId) => keys.get(gatewayId),
        onReady(ready) {
          const gatewayId = ready.gatewayId!;
          const older = sessions.get(gatewayId);
          sessions.set(gatewayId, ready);
          if (older) {
            logger.info({ gatewayId }, 'a newer connection replaces the gateway connection');
            older.close(RELAY_CLOSE_REPLACED, 'replaced by a newer connection');
          }
          logger.info({ gatewayId }, 'gateway connected');
          router.gatewayConnected(gatewayId, ready);
        },
        onAccept(from, message) {
          if (sessions.get(from.gatewayId!) === from) router.onAccept(from.gatewayId!, message.jobId);
        },
        onFrame(from, data) {
          if (sessions.get(from.gatewayId!) === from) router.onFrame(from.gatewayId!, data);
        },
        onClose(closed) {
          const gatewayId = closed.gatewayId!;
          if (sessions.get(gatewayId) !== closed) return;
          sessions.delete(gatewayId);
          logger.info({ gatewayId }, 'gateway disconnected');
          router.gatewayDisconnected(gatewayId, closed);
        },
      });
      allSockets.add(session);
      ws.on('close', () => allSockets.delete(session));
    });
  });

  return {
    get url() {
      if (!address) throw new CausewayError('CW_INTERNAL', 'the relay has not been started');
      return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    },
    get wsUrl() {
      return this.url.replace(/^http/, 'ws');
    },
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      address = server.address() as AddressInfo;
      heartbeat = setInterval(() => {
        for (const session of allSockets) if (!session.heartbeat()) session.terminate();
      }, heartbeatMs);
      heartbeat.unref();
      logger.info({ url: this.url }, 'relay listening');
    },
    async stop() {
      clearInterval(heartbeat);
      for (const session of allSockets) session.terminate();
      router.close();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    registerGateway,
    dropGatewayConnections(id) {
      sessions.get(id)?.terminate();
    },
    stats: () => router.stats(),
  };
}
