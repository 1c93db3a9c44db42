import {
  RELAY_GATEWAY_PATH,
  corkForTick,
  encodeRelayMessage,
  parseRelayMessage,
  relayAuthPayload,
  type Corkable,
  type GatewayMessage,
  type RelayMessage,
} from '@causeway/protocol';
import { CausewayError, type Logger, type RelayHandler, type RelayLink, type RelaySession } from '@causeway/sdk';
import WebSocket, { type RawData } from 'ws';
import { createJobResponder, type JobResponder } from './createJobResponder.js';
import { needsRandomMask, zeroMask } from './frameMasking.js';
import type { WebSocketTransportSettings } from './readWebSocketSettings.js';
import { reconnectDelay } from './reconnectDelay.js';

/** What a link needs to run. */
export interface RelayLinkOptions {
  settings: WebSocketTransportSettings;
  logger: Logger;
  session: RelaySession;
  handler: RelayHandler;
  /** Randomness for the reconnect jitter (tests pass a fixed one). */
  random?: () => number;
}

/** Sending waits for the socket to drain past this many buffered bytes. */
const SEND_HIGH_WATER_BYTES = 1024 * 1024;

/**
 * A job's accept goes with its first frame (one write and one wake-up of the relay fewer per small
 * job) or alone after this long, so the relay soon knows a slow job was taken. Frames never wait
 * for it: the first one sends it ahead of itself.
 */
export const ACCEPT_ALONE_AFTER_MS = 10;
/** The largest message the transport accepts from the relay (a job document). */
const MAX_RELAY_MESSAGE_BYTES = 16 * 1024 * 1024;

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * Dials the relay, authenticates, and keeps the link up until `close()`. Resolves once the first
 * connection is ready. The first attempt is not retried: a refusal rejects with
 * `CW_RELAY_AUTH_FAILED`, an unreachable relay or a handshake longer than `handshakeTimeoutMs`
 * with `CW_RELAY_UNREACHABLE`, so a misconfigured host fails at boot. Later losses reconnect with
 * backoff for as long as the link is open.
 */
export async function openRelayLink(options: RelayLinkOptions): Promise<RelayLink> {
  const { settings, logger, session, handler } = options;
  const endpoint = `${settings.url}${RELAY_GATEWAY_PATH}`;
  const masking = needsRandomMask(endpoint, settings.frameMasking) ? {} : { generateMask: zeroMask };
  const jobs = new Map<string, JobResponder>();
  let socket: WebSocket | undefined;
  let dialling: WebSocket | undefined;
  let closed = false;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let lastHeard = Date.now();

  const state = (name: Parameters<NonNullable<RelayHandler['onState']>>[0], detail?: Parameters<NonNullable<RelayHandler['onState']>>[1]): void => {
    try {
      handler.onState?.(name, detail);
    } catch (error) {
      logger.warn({ error: (error as Error).message }, 'the relay state handler threw');
    }
  };

  // The TCP socket under each WebSocket, so messages sent in one tick (an accept, a small job's
  // frames) leave in one write rather than one syscall each.
  const rawSockets = new WeakMap<WebSocket, Corkable>();
  const cork = (ws: WebSocket): void => {
    const raw = rawSockets.get(ws);
    if (raw) corkForTick(raw);
  };

  const sendControl = (ws: WebSocket, message: GatewayMessage): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    cork(ws);
    ws.send(encodeRelayMessage(message));
  };

  const sendFrame = (message: Buffer): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const ws = socket;
      if (!ws || ws.readyState !== WebSocket.OPEN) return reject(new Error('no open relay connection'));
      cork(ws);
      ws.send(message, { binary: true }, (error) => (error ? reject(error) : resolve()));
      // Below the high-water mark, go on at once; above it, wait until ws has written this message.
      if (ws.bufferedAmount < SEND_HIGH_WATER_BYTES) resolve();
    });

  // Accepts not sent yet, by job id, with the connection they answer (see ACCEPT_ALONE_AFTER_MS).
  const heldAccepts = new Map<string, { ws: WebSocket; timer: NodeJS.Timeout }>();
  const sendAccept = (jobId: string): void => {
    const held = heldAccepts.get(jobId);
    if (!held) return;
    heldAccepts.delete(jobId);
    clearTimeout(held.timer);
    // An accept meant for a connection that is gone is not sent: the reconnect accepts held jobs anew.
    if (held.ws === socket) sendControl(held.ws, { type: 'accept', jobId });
  };
  const dropAccept = (jobId: string): void => {
    clearTimeout(heldAccepts.get(jobId)?.timer);
    heldAccepts.delete(jobId);
  };
  const holdAccept = (ws: WebSocket, jobId: string): void => {
    dropAccept(jobId);
    const timer = setTimeout(() => sendAccept(jobId), ACCEPT_ALONE_AFTER_MS);
    timer.unref();
    heldAccepts.set(jobId, { ws, timer });
  };

  const onJob = (ws: WebSocket, jobId: string, body: unknown): void => {
    holdAccept(ws, jobId);
    const known = jobs.get(jobId);
    if (known) {
      // A redelivery after a reconnect: the relay never saw the accept, so it holds no frame yet.
      known.start(0);
      return;
    }
    const responder = createJobResponder({
      jobId,
      body,
      logger,
      send: (message) => {
        sendAccept(jobId);
        return sendFrame(message);
      },
      onFinished: () => {
        dropAccept(jobId);
        if (jobs.get(jobId) === responder) jobs.delete(jobId);
      },
    });
    jobs.set(jobId, responder);
    responder.start(0);
    try {
      handler.onJob(responder.delivery);
    } catch (error) {
      logger.error({ jobId, error: (error as Error).message }, 'the job handler threw');
    }
  };

  const onMessage = (ws: WebSocket, message: RelayMessage): void => {
    switch (message.type) {
      case 'job':
        return onJob(ws, message.jobId, message.body);
      case 'resume':
        return jobs.get(message.jobId)?.start(message.nextSeq);
      case 'credit':
        return jobs.get(message.jobId)?.credit(message.untilSeq);
      case 'ack':
        return jobs.get(message.jobId)?.ack(message.seq);
      case 'done':
        return jobs.get(message.jobId)?.done();
      case 'cancel':
        try {
          handler.onCancel(message.jobId);
        } catch (error) {
          logger.error({ jobId: message.jobId, error: (error as Error).message }, 'the cancel handler threw');
        }
        return;
      default:
        logger.warn({ type: message.type }, 'ignored a handshake message on an established relay connection');
    }
  };

  const lost = (error: Error): void => {
    clearInterval(idleTimer);
    socket = undefined;
    for (const jobId of [...heldAccepts.keys()]) dropAccept(jobId);
    for (const job of jobs.values()) job.interrupt();
    if (closed) return;
    scheduleReconnect(error);
  };

  // One connection attempt: resolves when the relay says ready, rejects on refusal, error or timeout.
  const dial = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(endpoint, { handshakeTimeout: settings.handshakeTimeoutMs, maxPayload: MAX_RELAY_MESSAGE_BYTES, perMessageDeflate: false, ...masking });
      dialling = ws;
      ws.on('upgrade', (response) => rawSockets.set(ws, response.socket));
      let ready = false;
      let refusal: CausewayError | undefined;
      const timer = setTimeout(() => {
        refusal ??= new CausewayError('CW_RELAY_UNREACHABLE', `the relay at ${endpoint} did not complete the handshake within ${settings.handshakeTimeoutMs} ms`);
        ws.terminate();
      }, settings.handshakeTimeoutMs);

      ws.on('open', () => sendControl(ws, { type: 'hello', gatewayId: session.gatewayId, keyId: session.keyId }));
      ws.on('ping', () => {
        lastHeard = Date.now();
      });
      ws.on('message', (data, isBinary) => {
        lastHeard = Date.now();
        if (isBinary) {
          logger.warn({ bytes: Buffer.isBuffer(data) ? data.length : undefined }, 'ignored a binary message from the relay');
          return;
        }
        let message: RelayMessage;
        try {
          message = parseRelayMessage(text(data));
        } catch (error) {
          logger.warn({ problem: (error as Error).message }, 'ignored a malformed relay message');
          return;
        }
        if (ready) return onMessage(ws, message);
        if (message.type === 'challenge') {
          let signature: Uint8Array;
          try {
            signature = session.sign(relayAuthPayload(session.gatewayId, message.nonce));
          } catch (error) {
            refusal = new CausewayError('CW_RELAY_AUTH_FAILED', `gateway "${session.gatewayId}" could not sign the relay challenge`, { cause: error });
            ws.terminate();
            return;
          }
          sendControl(ws, { type: 'auth', signature: Buffer.from(signature).toString('base64url') });
        } else if (message.type === 'refused') {
          refusal = new CausewayError(message.code, `the relay at ${endpoint} refused gateway "${session.gatewayId}": ${message.message}`);
        } else if (message.type === 'ready') {
          ready = true;
          clearTimeout(timer);
          dialling = undefined;
          socket = ws;
          attempt = 0;
          lastHeard = Date.now();
          if (settings.idleTimeoutMs > 0) {
            idleTimer = setInterval(() => {
              if (Date.now() - lastHeard > settings.idleTimeoutMs) {
                logger.warn({ idleTimeoutMs: settings.idleTimeoutMs }, 'nothing heard from the relay; re-dialling');
                ws.terminate();
              }
            }, Math.max(50, Math.floor(settings.idleTimeoutMs / 3)));
            idleTimer.unref();
          }
          // Jobs still held from before: a relay that gave up on one answers cancel and done.
          for (const [jobId, job] of jobs) if (!job.finished) sendControl(ws, { type: 'accept', jobId });
          logger.info({ relay: settings.url, gatewayId: session.gatewayId }, 'connected to the relay');
          state('connected');
          resolve();
        } else {
          logger.warn({ type: message.type }, 'ignored a relay message that came before the handshake completed');
        }
      });
      ws.on('error', (error) => {
        logger.debug({ error: error.message }, 'relay socket error');
        refusal ??= new CausewayError('CW_RELAY_UNREACHABLE', `could not reach the relay at ${endpoint}: ${error.message}`, { cause: error });
      });
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        if (dialling === ws) dialling = undefined;
        if (!ready) {
          reject(refusal ?? new CausewayError('CW_RELAY_UNREACHABLE', `the relay at ${endpoint} closed the connection during the handshake (${code} ${reason.toString()})`));
          return;
        }
        if (socket === ws || socket === undefined) {
          lost(refusal ?? new CausewayError('CW_RELAY_UNREACHABLE', `the relay connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
        }
      });
    });

  const scheduleReconnect = (error: Error): void => {
    attempt++;
    const delayMs = reconnectDelay(attempt, settings.reconnect, options.random);
    logger.warn({ error: error.message, attempt, delayMs }, 'relay connection lost; reconnecting');
    state('reconnecting', { error, attempt, delayMs });
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (closed) return;
      state('connecting', { attempt });
      dial().catch((failure: Error) => {
        if (!closed) scheduleReconnect(failure);
      });
    }, delayMs);
  };

  state('connecting', { attempt: 0 });
  try {
    await dial();
  } catch (error) {
    closed = true;
    state('closed', { error: error as Error });
    throw error;
  }

  return {
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(reconnectTimer);
      clearInterval(idleTimer);
      dialling?.terminate();
      const shuttingDown = new CausewayError('CW_SHUTTING_DOWN', 'the relay link was closed before the job was delivered');
      for (const job of [...jobs.values()]) job.fail(shuttingDown);
      jobs.clear();
      const ws = socket;
      socket = undefined;
      if (ws && ws.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => ws.terminate(), 1000);
          ws.once('close', () => {
            clearTimeout(force);
            resolve();
          });
          ws.close(1000, 'gateway closing');
        });
      }
      state('closed');
    },
  };
}
