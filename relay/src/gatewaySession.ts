import { constants, randomBytes, verify, type KeyObject } from 'node:crypto';
import {
  RELAY_CLOSE_REFUSED,
  corkForTick,
  encodeRelayMessage,
  parseGatewayMessage,
  relayAuthPayload,
  type AcceptMessage,
  type Corkable,
  type RelayMessage,
} from '@causeway/protocol';
import type { Logger } from '@causeway/sdk';
import type { RawData, WebSocket } from 'ws';

/** The registered key of a gateway, as the relay checks it. */
export interface GatewayKey {
  keyId: string;
  publicKey: KeyObject;
}

/** One gateway's WebSocket on the relay, before and after it authenticated. */
export interface GatewaySession {
  /** The gateway id, once authenticated. */
  readonly gatewayId: string | undefined;
  /** Sends a control message (dropped when the socket is no longer open). */
  send(message: RelayMessage): void;
  /** Cuts the socket without a closing handshake. */
  terminate(): void;
  /** Closes the socket with a code and a reason. */
  close(code: number, reason: string): void;
  /** False when the last heartbeat ping got no pong; the server then terminates the socket. */
  heartbeat(): boolean;
}

/** What a session reports to the relay. */
export interface GatewaySessionOptions {
  logger: Logger;
  handshakeTimeoutMs: number;
  lookup(gatewayId: string): GatewayKey | undefined;
  onReady(session: GatewaySession): void;
  onAccept(session: GatewaySession, message: AcceptMessage): void;
  onFrame(session: GatewaySession, data: Buffer): void;
  /** Called once when an authenticated session's socket closes. */
  onClose(session: GatewaySession): void;
  /** The TCP socket under the WebSocket: messages sent in one tick leave in one write. */
  rawSocket?: Corkable;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * Runs the challenge handshake on a freshly upgraded gateway socket, then routes its messages.
 * No anonymous gateways: nothing but `hello` and `auth` is heard before the signature checks out.
 */
export function startGatewaySession(socket: WebSocket, options: GatewaySessionOptions): GatewaySession {
  const { logger } = options;
  let phase: 'hello' | 'auth' | 'ready' | 'closed' = 'hello';
  let gatewayId: string | undefined;
  let claimed: { gatewayId: string; key: GatewayKey; nonce: string } | undefined;
  let alive = true;

  const send = (message: RelayMessage): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (options.rawSocket) corkForTick(options.rawSocket);
    socket.send(encodeRelayMessage(message));
  };

  const refuse = (message: string, logFields: Record<string, unknown>): void => {
    logger.warn({ ...logFields, reason: message }, 'gateway refused');
    send({ type: 'refused', code: 'CW_RELAY_AUTH_FAILED', message });
    phase = 'closed';
    clearTimeout(timer);
    socket.close(RELAY_CLOSE_REFUSED, 'authentication failed');
    // A peer that never answers the close handshake must not hold the socket open.
    setTimeout(() => socket.terminate(), 2000).unref();
  };

  const timer = setTimeout(() => {
    if (phase === 'hello' || phase === 'auth') {
      refuse(`the gateway did not complete the handshake within ${options.handshakeTimeoutMs} ms`, { gatewayId: claimed?.gatewayId });
    }
  }, options.handshakeTimeoutMs);
  timer.unref();

  const session: GatewaySession = {
    get gatewayId() {
      return gatewayId;
    },
    send,
    terminate: () => socket.terminate(),
    close: (code, reason) => socket.close(code, reason),
    heartbeat() {
      if (!alive) return false;
      alive = false;
      if (socket.readyState === socket.OPEN) socket.ping();
      return true;
    },
  };

  const onText = (text: string): void => {
    let message;
    try {
      message = parseGatewayMessage(text);
    } catch (error) {
      // One bad message must not cost the gateway its connection (and every job on it).
      logger.warn({ gatewayId: gatewayId ?? claimed?.gatewayId, problem: (error as Error).message }, 'ignored a malformed gateway message');
      return;
    }
    if (phase === 'hello') {
      if (message.type !== 'hello') return refuse(`expected a hello message first, got ${message.type}`, {});
      const key = options.lookup(message.gatewayId);
      if (!key) return refuse(`gateway "${message.gatewayId}" is not registered with this relay`, { gatewayId: message.gatewayId });
      if (key.keyId !== message.keyId) {
        return refuse(`gateway "${message.gatewayId}" presented key ${message.keyId}, but the relay has key ${key.keyId} registered for it`, { gatewayId: message.gatewayId });
      }
      claimed = { gatewayId: message.gatewayId, key, nonce: randomBytes(32).toString('base64url') };
      phase = 'auth';
      send({ type: 'challenge', nonce: claimed.nonce });
      return;
    }
    if (phase === 'auth') {
      if (message.type !== 'auth' || !claimed) return refuse(`expected an auth message, got ${message.type}`, { gatewayId: claimed?.gatewayId });
      let ok = false;
      try {
        ok = verify(
          'sha256',
          relayAuthPayload(claimed.gatewayId, claimed.nonce),
          { key: claimed.key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
          Buffer.from(message.signature, 'base64url'),
        );
      } catch {
        ok = false;
      }
      if (!ok) return refuse(`the signature of gateway "${claimed.gatewayId}" does not match its registered key ${claimed.key.keyId}`, { gatewayId: claimed.gatewayId });
      clearTimeout(timer);
      gatewayId = claimed.gatewayId;
      phase = 'ready';
      send({ type: 'ready', gatewayId });
      options.onReady(session);
      return;
    }
    if (phase === 'ready') {
      if (message.type === 'accept') options.onAccept(session, message);
      else logger.warn({ gatewayId, problem: `unexpected ${message.type} message after the handshake` }, 'ignored a gateway message');
    }
  };

  socket.on('pong', () => {
    alive = true;
  });
  socket.on('message', (data, isBinary) => {
    alive = true;
    if (phase === 'closed') return;
    const buffer = toBuffer(data);
    if (!isBinary) return onText(buffer.toString('utf8'));
    if (phase !== 'ready') {
      logger.warn({ gatewayId: claimed?.gatewayId, problem: 'binary message before the handshake completed' }, 'ignored a gateway message');
      return;
    }
    options.onFrame(session, buffer);
  });
  socket.on('error', (error) => {
    logger.debug({ gatewayId: gatewayId ?? claimed?.gatewayId, error: error.message }, 'gateway socket error');
  });
  socket.on('close', () => {
    clearTimeout(timer);
    const wasReady = phase === 'ready';
    phase = 'closed';
    if (wasReady) options.onClose(session);
  });
  return session;
}
