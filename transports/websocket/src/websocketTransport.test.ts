import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  RELAY_GATEWAY_PATH,
  createFrameEncoder,
  encodeRelayMessage,
  keyIdOf,
  openForGateway,
  parseGatewayMessage,
  readFrameHeader,
  unpackJobFrame,
  type GatewayMessage,
  type RelayMessage,
} from '@causeway/protocol';
import { createNodeHttp, createRelayClient, createRelayServer, type RelayHttp, type RelayServer, type RelayServerOptions } from '@causeway/relay';
import type { FrameSource, JobDelivery, Logger, RelayHandler, RelayLink, RelaySession, RelayState, RelayTransport } from '@causeway/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ACCEPT_ALONE_AFTER_MS } from './openRelayLink.js';
import { websocketTransport } from './websocketTransport.js';

const TOKEN = 'client-token-abcdef';

function keyPair(): { publicKey: string; privateKey: KeyObject; keyId: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { publicKey: pem, privateKey, keyId: keyIdOf(pem) };
}

const gatewayKey = keyPair();
const strangerKey = keyPair();

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

function session(gatewayId = 'gw-1', signer: KeyObject = gatewayKey.privateKey): RelaySession {
  return {
    gatewayId,
    keyId: gatewayKey.keyId,
    publicKey: gatewayKey.publicKey,
    sign: (challenge) => sign('sha256', challenge, { key: signer, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    freeCapacity: () => 8,
    capacity: 8,
    onCapacityFreed: () => () => undefined,
    hostVersion: '0.0.0-test',
  };
}

async function transportFor(url: string, extra: Record<string, unknown> = {}): Promise<RelayTransport> {
  return websocketTransport.create({
    logger: silent,
    plugin: {
      pluginId: 'websocket',
      version: '0.1.0',
      directory: '.',
      dataDirectory: '.',
      baseDir: '.',
      settings: { url, reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, handshakeTimeoutMs: 2000, ...extra },
    },
  });
}

/** An in-memory frame log standing in for the host's spool: appendable, re-readable, abortable. */
interface FrameLog {
  source: FrameSource;
  append(frames: Buffer[]): void;
  seal(): void;
  /** The `fromSeq` of every read the transport started. */
  reads: number[];
  acks: number[];
}

function createFrameLog(): FrameLog {
  const frames: Buffer[] = [];
  let sealed = false;
  let waiters: Array<() => void> = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  const log: FrameLog = {
    reads: [],
    acks: [],
    append(more) {
      frames.push(...more);
      wake();
    },
    seal() {
      sealed = true;
      wake();
    },
    source: {
      async *read(fromSeq, signal) {
        log.reads.push(fromSeq);
        let seq = fromSeq;
        while (!signal.aborted) {
          if (seq < frames.length) {
            yield { seq, data: frames[seq]! };
            seq++;
          } else if (sealed) {
            return;
          } else {
            await new Promise<void>((resolve) => {
              waiters.push(resolve);
              signal.addEventListener('abort', () => resolve(), { once: true });
            });
            waiters = waiters.filter((w) => w !== wake);
          }
        }
      },
      async acknowledge(seq) {
        log.acks.push(seq);
      },
    },
  };
  return log;
}

/** A fake host: starts a "producer" per job that fills a frame log, and records what the transport reports. */
function fakeHost(produce: (log: FrameLog, delivery: JobDelivery) => void = () => undefined) {
  const host = {
    started: [] as string[],
    bodies: [] as unknown[],
    cancels: [] as string[],
    states: [] as RelayState[],
    logs: new Map<string, FrameLog>(),
    responses: new Map<string, Promise<void>>(),
    handler: undefined as unknown as RelayHandler,
  };
  host.handler = {
    onJob(delivery) {
      host.started.push(delivery.jobId);
      host.bodies.push(delivery.body);
      const log = createFrameLog();
      host.logs.set(delivery.jobId, log);
      produce(log, delivery);
      const response = delivery.respond(log.source);
      response.catch(() => undefined);
      host.responses.set(delivery.jobId, response);
    },
    onCancel(jobId) {
      host.cancels.push(jobId);
    },
    onState(state) {
      host.states.push(state);
    },
  };
  return host;
}

const encoder = createFrameEncoder('msgpack');
function resultFrames(batches: number, cell: (i: number) => unknown = (i) => i): Buffer[] {
  const frames = [encoder.schema(0, [{ name: 'v', type: 'unknown' }])];
  for (let i = 0; i < batches; i++) frames.push(encoder.rows(frames.length, [[cell(i) as never]]));
  frames.push(encoder.end(frames.length, { rows: batches, bytes: 0, timings: {} }));
  return frames;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function failure(promise: Promise<unknown>): Promise<{ code?: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: unknown; message: string };
  }
  throw new Error('expected a rejection');
}

const relays: RelayServer[] = [];
const links: RelayLink[] = [];
const servers: WebSocketServer[] = [];

afterEach(async () => {
  for (const link of links.splice(0)) await link.close();
  for (const relay of relays.splice(0)) await relay.stop();
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startRelay(options: Partial<RelayServerOptions> = {}): Promise<RelayServer> {
  const relay = createRelayServer({ clientTokens: [TOKEN], gateways: [{ id: 'gw-1', publicKey: gatewayKey.publicKey }], ...options });
  await relay.start();
  relays.push(relay);
  return relay;
}

async function connect(relay: RelayServer, handler: RelayHandler, s: RelaySession = session()): Promise<RelayLink> {
  const link = await (await transportFor(relay.wsUrl)).connect(s, handler);
  links.push(link);
  return link;
}

describe('websocket transport with the embedded relay', () => {
  it('completes the handshake and reports connecting, then connected', async () => {
    const relay = await startRelay();
    const host = fakeHost();
    await connect(relay, host.handler);
    expect(host.states).toEqual(['connecting', 'connected']);
    expect(relay.stats().gatewaysConnected).toBe(1);
    expect((await createRelayClient({ url: relay.url, token: TOKEN }).getGateway('gw-1')).connected).toBe(true);
  });

  it('rejects connect with CW_RELAY_AUTH_FAILED for a gateway the relay does not know', async () => {
    const relay = await startRelay();
    const error = await failure((await transportFor(relay.wsUrl)).connect(session('gw-unknown'), fakeHost().handler));
    expect(error.code).toBe('CW_RELAY_AUTH_FAILED');
    expect(error.message).toContain('gateway "gw-unknown" is not registered with this relay');
  });

  it('rejects connect with CW_RELAY_AUTH_FAILED when the signature is made with another key', async () => {
    const relay = await startRelay();
    const error = await failure((await transportFor(relay.wsUrl)).connect(session('gw-1', strangerKey.privateKey), fakeHost().handler));
    expect(error.code).toBe('CW_RELAY_AUTH_FAILED');
    expect(error.message).toContain('does not match its registered key');
  });

  it('rejects connect with CW_RELAY_UNREACHABLE when nothing listens at the relay URL', async () => {
    const relay = await startRelay();
    const url = relay.wsUrl;
    await relay.stop();
    relays.length = 0;
    const host = fakeHost();
    const error = await failure((await transportFor(url)).connect(session(), host.handler));
    expect(error.code).toBe('CW_RELAY_UNREACHABLE');
    expect(error.message).toContain(`could not reach the relay at ${url}${RELAY_GATEWAY_PATH}`);
    expect(host.states).toEqual(['connecting', 'closed']);
  });

  it('carries a job of 5,000 batch frames to the client complete and in order', async () => {
    const relay = await startRelay();
    const frames = resultFrames(5000);
    const host = fakeHost((log) => {
      log.append(frames);
      log.seal();
    });
    await connect(relay, host.handler);
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select generate_series(0, 4999)' } });
    const result = await stream.collect();
    expect(result.columns).toEqual([{ name: 'v', type: 'unknown' }]);
    expect(result.rows).toHaveLength(5000);
    expect(result.rows.every((row, i) => row[0] === i)).toBe(true);
    expect(result.summary.rows).toBe(5000);
    await host.responses.get(stream.jobId);
    const log = host.logs.get(stream.jobId)!;
    expect(log.acks.at(-1)).toBe(frames.length - 1);
    expect(log.reads).toEqual([0]);
    expect(relay.stats()).toMatchObject({ jobs: 0, bufferedFrames: 0, framesForwarded: frames.length });
  });

  it('bounds the frames the relay holds per job by its credit when the client reads slowly', async () => {
    const creditFrames = 4;
    const relay = await startRelay({ creditFrames });
    const big = 'x'.repeat(256 * 1024);
    const frames = resultFrames(120, () => big);
    const host = fakeHost((log) => {
      log.append(frames);
      log.seal();
    });
    await connect(relay, host.handler);
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select big' } });
    let received = 0;
    for await (const frame of stream) {
      expect(frame.seq).toBe(received);
      received++;
      if (received === 3) {
        // The client stalls: socket buffers fill, and the relay stops at its credit window.
        await until(() => relay.stats().bufferedFrames === creditFrames, 'the relay to fill its credit window');
        const log = host.logs.get(stream.jobId)!;
        expect(log.acks.at(-1) ?? -1).toBeLessThan(frames.length - creditFrames);
      }
    }
    expect(received).toBe(frames.length);
    expect(relay.stats().peakBufferedFrames).toBe(creditFrames);
  });

  it('resumes after a dropped connection: every frame exactly once, in order, and the producer started once', async () => {
    const relay = await startRelay();
    const frames = resultFrames(2000);
    let producer: FrameLog | undefined;
    const host = fakeHost((log) => {
      producer = log;
      log.append(frames.slice(0, 600));
    });
    await connect(relay, host.handler);
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select n' } });
    const seen: number[] = [];
    for await (const frame of stream) {
      seen.push(frame.seq);
      if (seen.length === 300) {
        relay.dropGatewayConnections('gw-1');
        await until(() => host.states.filter((s) => s === 'connected').length === 2, 'the transport to reconnect');
        producer!.append(frames.slice(600));
        producer!.seal();
      }
    }
    expect(seen).toEqual(frames.map((_, i) => i));
    expect(host.started).toEqual([stream.jobId]);
    expect(host.states).toEqual(['connecting', 'connected', 'reconnecting', 'connecting', 'connected']);
    const log = host.logs.get(stream.jobId)!;
    expect(log.reads).toHaveLength(2);
    expect(log.reads[1]).toBeGreaterThan(0);
    await host.responses.get(stream.jobId);
  });

  it('passes a client cancel to handler.onCancel and settles the delivery', async () => {
    const relay = await startRelay();
    const host = fakeHost((log) => log.append(resultFrames(10).slice(0, 3)));
    await connect(relay, host.handler);
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select slowly' } });
    const reading = failure(stream.collect());
    await until(() => host.started.length === 1, 'the job to reach the host');
    await client.cancel(stream.jobId);
    expect(await reading).toMatchObject({ code: 'CW_JOB_CANCELLED' });
    await until(() => host.cancels.length === 1, 'the cancel to reach the host');
    expect(host.cancels).toEqual([stream.jobId]);
    await host.responses.get(stream.jobId);
  });

  it('delivers a job submitted while the gateway was disconnected once it connects', async () => {
    const relay = await startRelay();
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const { jobId } = await client.submit('gw-1', { dataSource: 'pg', query: { text: 'select 7' } });
    const host = fakeHost((log) => {
      log.append(resultFrames(2));
      log.seal();
    });
    await connect(relay, host.handler);
    const result = await client.results(jobId).collect();
    expect(result.rows).toEqual([[0], [1]]);
    expect(host.started).toEqual([jobId]);
  });

  it('fails a job with CW_GATEWAY_OFFLINE when the gateway stays away past the offline timeout', async () => {
    const relay = await startRelay({ offlineTimeoutMs: 200 });
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    expect(await failure(stream.collect())).toMatchObject({ code: 'CW_GATEWAY_OFFLINE' });
  });

  it('encrypts credentials on the client: the relay and the gateway see only the envelope', async () => {
    const relay = await startRelay();
    const host = fakeHost((log) => {
      log.append(resultFrames(0));
      log.seal();
    });
    await connect(relay, host.handler);
    const posted: string[] = [];
    const send = createNodeHttp();
    const recordingHttp: RelayHttp = async (request) => {
      if (request.body !== undefined) posted.push(request.body);
      return send(request);
    };
    const password = 'pa55-w0rd-never-in-clear';
    const client = createRelayClient({ url: relay.url, token: TOKEN, http: recordingHttp });
    const stream = await client.run('gw-1', {
      dataSource: 'pg',
      query: { text: 'select $1, $2', parameters: [2n ** 60n, Uint8Array.from([1, 2, 3])] },
      identity: { userPrincipalName: 'alice@example.com' },
      credentials: { user: 'alice', password },
    });
    await stream.collect();
    const body = host.bodies[0] as { jobId: string; credentials: Record<string, unknown>; query: unknown };
    expect(body.jobId).toBe(stream.jobId);
    expect(Object.keys(body.credentials).sort()).toEqual(['alg', 'ct', 'ek', 'iv', 'kid', 'tag', 'v']);
    expect(body.credentials.kid).toBe(gatewayKey.keyId);
    expect(body.query).toEqual({ text: 'select $1, $2', parameters: [{ $bigint: '1152921504606846976' }, { $base64: 'AQID' }] });
    expect(JSON.stringify(body)).not.toContain(password);
    expect(posted).toHaveLength(1);
    expect(posted[0]).not.toContain(password);
    expect(openForGateway(gatewayKey.privateKey, gatewayKey.keyId, body.credentials)).toEqual({ user: 'alice', password });
  });

  it('rejects pending deliveries with CW_SHUTTING_DOWN when the link closes, and stops reconnecting', async () => {
    const relay = await startRelay();
    const host = fakeHost((log) => log.append(resultFrames(5).slice(0, 2)));
    const link = await connect(relay, host.handler);
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const { jobId } = await client.submit('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    await until(() => host.started.length === 1, 'the job to reach the host');
    await link.close();
    expect(await failure(host.responses.get(jobId)!)).toMatchObject({ code: 'CW_SHUTTING_DOWN' });
    expect(host.states.at(-1)).toBe('closed');
    await until(() => relay.stats().gatewaysConnected === 0, 'the relay to see the gateway leave');
  });
});

/** A scripted stand-in for the relay, to drive the transport into states the real relay avoids. */
/**
 * Reads the WebSocket frame headers in the bytes a client sent, for their masking keys: one entry
 * per frame, the key as a number (0 for a zero key), or null for an unmasked frame.
 */
function maskingKeyReader(): { push(chunk: Buffer): void; keys: Array<number | null> } {
  let pending = Buffer.alloc(0);
  const keys: Array<number | null> = [];
  return {
    keys,
    push(chunk) {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (pending.length < 2) return;
        const masked = (pending[1]! & 0x80) !== 0;
        const short = pending[1]! & 0x7f;
        const lengthBytes = short === 126 ? 2 : short === 127 ? 8 : 0;
        const headerBytes = 2 + lengthBytes + (masked ? 4 : 0);
        if (pending.length < headerBytes) return;
        const length = short === 126 ? pending.readUInt16BE(2) : short === 127 ? Number(pending.readBigUInt64BE(2)) : short;
        if (pending.length < headerBytes + length) return;
        keys.push(masked ? pending.readUInt32BE(2 + lengthBytes) : null);
        pending = pending.subarray(headerBytes + length);
      }
    },
  };
}

async function fakeRelay(): Promise<{ url: string; connections: Array<{ ws: WebSocket; inbox: Array<GatewayMessage | { type: 'frame'; seq: number; granted: number }>; maskingKeys: Array<number | null> }>; waitFor(n: number): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: RELAY_GATEWAY_PATH });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const connections: Array<{ ws: WebSocket; inbox: Array<GatewayMessage | { type: 'frame'; seq: number; granted: number }>; granted: number; maskingKeys: Array<number | null> }> = [];
  server.on('connection', (ws, request) => {
    // The client sends nothing before the upgrade's answer, so this listener sees every frame.
    const masks = maskingKeyReader();
    request.socket.on('data', (chunk: Buffer) => masks.push(chunk));
    const conn = { ws, inbox: [] as Array<GatewayMessage | { type: 'frame'; seq: number; granted: number }>, granted: 0, maskingKeys: masks.keys };
    connections.push(conn);
    const originalSend = ws.send.bind(ws);
    // Remember the credit granted so far, to check each frame against what was allowed when it arrived.
    ws.send = ((data: string, ...rest: never[]) => {
      if (data.startsWith('{"type":"credit"')) conn.granted = (JSON.parse(data) as Extract<RelayMessage, { type: 'credit' }>).untilSeq;
      return originalSend(data, ...rest);
    }) as typeof ws.send;
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const { frame } = unpackJobFrame(data as Buffer);
        conn.inbox.push({ type: 'frame', seq: readFrameHeader(frame).seq, granted: conn.granted });
        return;
      }
      const message = parseGatewayMessage(String(data));
      conn.inbox.push(message);
      if (message.type === 'hello') ws.send(encodeRelayMessage({ type: 'challenge', nonce: 'bm9uY2Vub25jZQ' }));
      if (message.type === 'auth') ws.send(encodeRelayMessage({ type: 'ready', gatewayId: 'gw-1' }));
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    waitFor: (n) => until(() => connections.length >= n && connections[n - 1]!.inbox.some((m) => m.type === 'auth'), `connection ${n}`),
  };
}

describe('websocket transport against a scripted relay', () => {
  it('does not deliver a job twice when the relay redelivers it after a reconnect, and sends only under credit', async () => {
    const relay = await fakeRelay();
    const host = fakeHost((log) => {
      log.append(resultFrames(6));
      log.seal();
    });
    const link = await (await transportFor(relay.url)).connect(session(), host.handler);
    links.push(link);
    await relay.waitFor(1);
    const job = { type: 'job' as const, jobId: 'job-aaaaaaaa', body: { jobId: 'job-aaaaaaaa', dataSource: 'pg', query: { text: 'select 1' } } };
    const first = relay.connections[0]!;
    first.ws.send(encodeRelayMessage(job));
    await until(() => first.inbox.some((m) => m.type === 'accept'), 'the first accept');
    first.ws.terminate();

    await relay.waitFor(2);
    const second = relay.connections[1]!;
    // The transport re-announces the job it holds, and the redelivery does not reach the host again.
    await until(() => second.inbox.some((m) => m.type === 'accept'), 'the re-announced accept');
    second.ws.send(encodeRelayMessage(job));
    await until(() => second.inbox.filter((m) => m.type === 'accept').length === 2, 'the second accept');
    expect(host.started).toEqual(['job-aaaaaaaa']);

    second.ws.send(encodeRelayMessage({ type: 'credit', jobId: job.jobId, untilSeq: 3 }));
    await until(() => second.inbox.filter((m) => m.type === 'frame').length === 3, 'three frames');
    second.ws.send(encodeRelayMessage({ type: 'credit', jobId: job.jobId, untilSeq: 100 }));
    await until(() => second.inbox.filter((m) => m.type === 'frame').length === 8, 'all frames');
    const frames = second.inbox.filter((m): m is { type: 'frame'; seq: number; granted: number } => m.type === 'frame');
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(frames.every((f) => f.seq < f.granted)).toBe(true);
    expect(first.inbox.some((m) => m.type === 'frame')).toBe(false);

    second.ws.send(encodeRelayMessage({ type: 'ack', jobId: job.jobId, seq: 7 }));
    await host.responses.get(job.jobId);
    expect(host.logs.get(job.jobId)!.acks).toEqual([7]);
  });

  it('sends a job\'s accept right ahead of its first frame, or alone once the job has been quiet a while', async () => {
    const relay = await fakeRelay();
    let produceLater: (() => void) | undefined;
    const host = fakeHost((log, delivery) => {
      const produce = () => {
        log.append(resultFrames(1));
        log.seal();
      };
      if (delivery.jobId === 'job-quick') produce();
      else produceLater = produce;
    });
    const link = await (await transportFor(relay.url)).connect(session(), host.handler);
    links.push(link);
    await relay.waitFor(1);
    const conn = relay.connections[0]!;
    const send = (jobId: string) => {
      conn.ws.send(encodeRelayMessage({ type: 'job', jobId, body: { jobId, dataSource: 'pg', query: { text: 'select 1' } } }));
      conn.ws.send(encodeRelayMessage({ type: 'credit', jobId, untilSeq: 100 }));
    };

    send('job-quick');
    await until(() => conn.inbox.filter((m) => m.type === 'frame').length === 3, 'the quick job\'s frames');
    const quick = conn.inbox.slice(conn.inbox.findIndex((m) => m.type === 'accept'));
    expect(quick.map((m) => m.type)).toEqual(['accept', 'frame', 'frame', 'frame']);

    const sentAt = Date.now();
    send('job-slow');
    await until(() => conn.inbox.filter((m) => m.type === 'accept').length === 2, 'the slow job\'s accept');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(ACCEPT_ALONE_AFTER_MS - 2);
    expect(conn.inbox.at(-1)).toMatchObject({ type: 'accept', jobId: 'job-slow' });
    produceLater!();
    await until(() => conn.inbox.filter((m) => m.type === 'frame').length === 6, 'the slow job\'s frames');
    // One accept per job, never repeated by the frames that followed.
    expect(conn.inbox.filter((m) => m.type === 'accept').map((m) => (m as { jobId: string }).jobId)).toEqual(['job-quick', 'job-slow']);
  });

  it('masks frames with a zero key on a loopback relay, and with random keys when frameMasking is always', async () => {
    for (const frameMasking of ['auto', 'always'] as const) {
      const relay = await fakeRelay();
      const host = fakeHost((log) => {
        log.append(resultFrames(3));
        log.seal();
      });
      links.push(await (await transportFor(relay.url, { frameMasking })).connect(session(), host.handler));
      await relay.waitFor(1);
      const conn = relay.connections[0]!;
      conn.ws.send(encodeRelayMessage({ type: 'job', jobId: 'job-masked', body: { jobId: 'job-masked', dataSource: 'pg', query: { text: 'select 1' } } }));
      conn.ws.send(encodeRelayMessage({ type: 'credit', jobId: 'job-masked', untilSeq: 100 }));
      await until(() => conn.inbox.filter((m) => m.type === 'frame').length === 5, `the frames (${frameMasking})`);
      // The frames arrived whole and in order either way; only their keys differ.
      expect(conn.inbox.filter((m) => m.type === 'frame').map((m) => (m as { seq: number }).seq)).toEqual([0, 1, 2, 3, 4]);
      const keys = conn.maskingKeys;
      // hello, auth, accept and five frames at least; every one masked, as RFC 6455 requires of a client.
      expect(keys.length, frameMasking).toBeGreaterThanOrEqual(8);
      expect(keys.every((key) => key !== null), frameMasking).toBe(true);
      if (frameMasking === 'auto') expect(keys.every((key) => key === 0)).toBe(true);
      else expect(keys.every((key) => key !== 0)).toBe(true);
    }
  });

  it('keeps the connection after a malformed relay message', async () => {
    const relay = await fakeRelay();
    const host = fakeHost();
    links.push(await (await transportFor(relay.url)).connect(session(), host.handler));
    await relay.waitFor(1);
    const conn = relay.connections[0]!;
    conn.ws.send('{"type":"credit","jobId":"x","untilSeq":-4}');
    conn.ws.send('not json at all');
    conn.ws.send(encodeRelayMessage({ type: 'cancel', jobId: 'job-bbbbbbbb' }));
    await until(() => host.cancels.length === 1, 'the cancel after the bad messages');
    expect(host.cancels).toEqual(['job-bbbbbbbb']);
    expect(host.states).toEqual(['connecting', 'connected']);
  });
});
