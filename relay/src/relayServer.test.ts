import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  RELAY_GATEWAY_PATH,
  createFrameEncoder,
  encodeRelayMessage,
  keyIdOf,
  packJobFrame,
  parseRelayMessage,
  relayAuthPayload,
  type GatewayMessage,
  type RelayMessage,
} from '@causeway/protocol';
import type { Logger } from '@causeway/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRelayClient } from './relayClient.js';
import { createNodeHttp, type RelayHttp, type RelayHttpRequest } from './relayHttp.js';
import { createRelayServer, type RelayServer, type RelayServerOptions } from './relayServer.js';
import { HEADERS_ALONE_AFTER_MS } from './jobRouter.js';
import { connect as connectTcp } from 'node:net';

const TOKEN = 'test-token-0123456789';

function keyPair(): { publicKey: string; privateKey: KeyObject; keyId: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { publicKey: pem, privateKey, keyId: keyIdOf(pem) };
}

const gatewayKey = keyPair();
const otherKey = keyPair();

function capturingLogger(): Logger & { lines: Array<{ level: string; obj: unknown; msg: string | undefined }> } {
  const lines: Array<{ level: string; obj: unknown; msg: string | undefined }> = [];
  const at = (level: string) => (obj: object | string, msg?: string) => void lines.push({ level, obj, msg });
  const logger = { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

const relays: RelayServer[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const relay of relays.splice(0)) await relay.stop();
});

async function startRelay(options: Partial<RelayServerOptions> = {}): Promise<RelayServer> {
  const relay = createRelayServer({ clientTokens: [TOKEN], gateways: [{ id: 'gw-1', publicKey: gatewayKey.publicKey }], ...options });
  await relay.start();
  relays.push(relay);
  return relay;
}

/** A hand-written gateway speaking the raw protocol, so the relay is tested without the transport. */
interface RawGateway {
  ws: WebSocket;
  send(message: GatewayMessage | string | Buffer): void;
  next<T extends RelayMessage['type']>(type: T): Promise<Extract<RelayMessage, { type: T }>>;
  closed: Promise<number>;
}

function rawGateway(relay: RelayServer): Promise<RawGateway> {
  const ws = new WebSocket(`${relay.wsUrl}${RELAY_GATEWAY_PATH}`);
  sockets.push(ws);
  const inbox: RelayMessage[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    inbox.push(parseRelayMessage(String(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const gateway: RawGateway = {
    ws,
    send(message) {
      ws.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : encodeRelayMessage(message));
    },
    async next(type) {
      for (;;) {
        const at = inbox.findIndex((m) => m.type === type);
        if (at >= 0) return inbox.splice(at, 1)[0] as never;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    closed,
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(gateway));
    ws.once('error', reject);
  });
}

function signChallenge(privateKey: KeyObject, gatewayId: string, nonce: string): string {
  return sign('sha256', relayAuthPayload(gatewayId, nonce), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64url');
}

async function authenticatedGateway(relay: RelayServer): Promise<RawGateway> {
  const gw = await rawGateway(relay);
  gw.send({ type: 'hello', gatewayId: 'gw-1', keyId: gatewayKey.keyId });
  const { nonce } = await gw.next('challenge');
  gw.send({ type: 'auth', signature: signChallenge(gatewayKey.privateKey, 'gw-1', nonce) });
  await gw.next('ready');
  return gw;
}

const encoder = createFrameEncoder('msgpack');
function resultFrames(rows: number): Buffer[] {
  const frames = [encoder.schema(0, [{ name: 'n', type: 'int32' }])];
  for (let i = 0; i < rows; i++) frames.push(encoder.rows(frames.length, [[i]]));
  frames.push(encoder.end(frames.length, { rows, bytes: 0, timings: {} }));
  return frames;
}

async function failure(promise: Promise<unknown>): Promise<{ code?: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: unknown; message: string };
  }
  throw new Error('expected a rejection');
}

describe('relay gateway handshake', () => {
  it('authenticates a registered gateway with a fresh 32-byte challenge', async () => {
    const relay = await startRelay();
    const gw = await rawGateway(relay);
    gw.send({ type: 'hello', gatewayId: 'gw-1', keyId: gatewayKey.keyId });
    const { nonce } = await gw.next('challenge');
    expect(Buffer.from(nonce, 'base64url')).toHaveLength(32);
    gw.send({ type: 'auth', signature: signChallenge(gatewayKey.privateKey, 'gw-1', nonce) });
    expect(await gw.next('ready')).toEqual({ type: 'ready', gatewayId: 'gw-1' });
    expect(relay.stats().gatewaysConnected).toBe(1);
  });

  it('refuses an unknown gateway with CW_RELAY_AUTH_FAILED and close code 4401', async () => {
    const relay = await startRelay();
    const gw = await rawGateway(relay);
    gw.send({ type: 'hello', gatewayId: 'intruder', keyId: gatewayKey.keyId });
    expect(await gw.next('refused')).toEqual({ type: 'refused', code: 'CW_RELAY_AUTH_FAILED', message: 'gateway "intruder" is not registered with this relay' });
    expect(await gw.closed).toBe(4401);
  });

  it('refuses a signature made with another key', async () => {
    const relay = await startRelay();
    const gw = await rawGateway(relay);
    gw.send({ type: 'hello', gatewayId: 'gw-1', keyId: gatewayKey.keyId });
    const { nonce } = await gw.next('challenge');
    gw.send({ type: 'auth', signature: signChallenge(otherKey.privateKey, 'gw-1', nonce) });
    const refused = await gw.next('refused');
    expect(refused.code).toBe('CW_RELAY_AUTH_FAILED');
    expect(refused.message).toContain('does not match its registered key');
    expect(await gw.closed).toBe(4401);
    expect(relay.stats().gatewaysConnected).toBe(0);
  });

  it('refuses a signature over another gateway id (the payload binds the id)', async () => {
    const relay = await startRelay();
    const gw = await rawGateway(relay);
    gw.send({ type: 'hello', gatewayId: 'gw-1', keyId: gatewayKey.keyId });
    const { nonce } = await gw.next('challenge');
    gw.send({ type: 'auth', signature: signChallenge(gatewayKey.privateKey, 'gw-2', nonce) });
    expect((await gw.next('refused')).code).toBe('CW_RELAY_AUTH_FAILED');
  });

  it('refuses a hello that names another key id', async () => {
    const relay = await startRelay();
    const gw = await rawGateway(relay);
    gw.send({ type: 'hello', gatewayId: 'gw-1', keyId: otherKey.keyId });
    const refused = await gw.next('refused');
    expect(refused.message).toBe(`gateway "gw-1" presented key ${otherKey.keyId}, but the relay has key ${gatewayKey.keyId} registered for it`);
  });

  it('refuses a gateway that does not finish the handshake in time', async () => {
    const relay = await startRelay({ handshakeTimeoutMs: 100 });
    const gw = await rawGateway(relay);
    const refused = await gw.next('refused');
    expect(refused.message).toBe('the gateway did not complete the handshake within 100 ms');
    expect(await gw.closed).toBe(4401);
  });

  it('does not answer a WebSocket upgrade on another path', async () => {
    const relay = await startRelay();
    const ws = new WebSocket(`${relay.wsUrl}/elsewhere`);
    sockets.push(ws);
    const error = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(error.message).toContain('404');
  });

  it('lets a newer connection of the same gateway replace the older one', async () => {
    const relay = await startRelay();
    const first = await authenticatedGateway(relay);
    await authenticatedGateway(relay);
    expect(await first.closed).toBe(4409);
    expect(relay.stats().gatewaysConnected).toBe(1);
  });
});

describe('relay message handling', () => {
  it('ignores malformed control messages with a warning and keeps the connection', async () => {
    const logger = capturingLogger();
    const relay = await startRelay({ logger });
    const gw = await authenticatedGateway(relay);
    gw.send('{not json');
    gw.send('{"type":"accept","jobId":"../../etc"}');
    gw.send('{"type":"explode"}');
    gw.send(Buffer.from([200, 1, 2]));
    gw.send({ type: 'hello', gatewayId: 'gw-1', keyId: gatewayKey.keyId });

    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const { jobId } = await client.submit('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    const job = await gw.next('job');
    expect(job.jobId).toBe(jobId);
    gw.send({ type: 'accept', jobId });
    const stream = client.results(jobId);
    const collecting = stream.collect();
    const { untilSeq } = await gw.next('credit');
    expect(untilSeq).toBe(16);
    for (const frame of resultFrames(3)) gw.send(packJobFrame(jobId, frame));
    const result = await collecting;
    expect(result.rows).toEqual([[0], [1], [2]]);

    const problems = logger.lines.filter((l) => l.level === 'warn').map((l) => (l.obj as { problem?: string }).problem);
    expect(problems).toEqual([
      'gateway message is not JSON',
      'accept message: "jobId" has characters outside ^[A-Za-z0-9_-]{1,255}$',
      'gateway message type "explode" is unknown',
      'binary message is 3 bytes, too short for its 200-byte job id',
      'unexpected hello message after the handshake',
    ]);
    expect(gw.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('drops duplicate frames, ignores frames of unknown jobs, acks and says done after the end frame', async () => {
    const logger = capturingLogger();
    const relay = await startRelay({ logger });
    const gw = await authenticatedGateway(relay);
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const { jobId } = await client.submit('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    await gw.next('job');
    gw.send({ type: 'accept', jobId });
    const collecting = client.results(jobId).collect();
    await gw.next('credit');
    const frames = resultFrames(2);
    gw.send(packJobFrame('nobody-knows-me', frames[0]!));
    gw.send(packJobFrame(jobId, frames[0]!));
    gw.send(packJobFrame(jobId, frames[0]!));
    gw.send(packJobFrame(jobId, frames[1]!));
    gw.send(packJobFrame(jobId, frames[1]!));
    gw.send(packJobFrame(jobId, frames[2]!));
    gw.send(packJobFrame(jobId, frames[3]!));
    const result = await collecting;
    expect(result.rows).toEqual([[0], [1]]);
    expect(result.summary.rows).toBe(2);
    expect(await gw.next('done')).toEqual({ type: 'done', jobId });
    // Acks are cumulative and coalesced; the last one covers the end frame.
    let ack = await gw.next('ack');
    while (ack.seq < 3) ack = await gw.next('ack');
    expect(ack.seq).toBe(3);
    expect(relay.stats()).toMatchObject({ jobs: 0, duplicateFrames: 2, framesForwarded: 4 });
    expect(logger.lines.some((l) => l.level === 'debug' && l.msg === 'ignored a frame for an unknown job')).toBe(true);
  });

  it('delivers a job queued while the gateway was away once it connects', async () => {
    const relay = await startRelay();
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const { jobId } = await client.submit('gw-1', { dataSource: 'pg', query: { text: 'select 42' } });
    expect((await client.getGateway('gw-1')).connected).toBe(false);
    const gw = await authenticatedGateway(relay);
    const job = await gw.next('job');
    expect(job.body).toEqual({ dataSource: 'pg', query: { text: 'select 42' }, jobId });
  });

  it('fails a job whose gateway stays away past the offline timeout with CW_GATEWAY_OFFLINE', async () => {
    const relay = await startRelay({ offlineTimeoutMs: 150 });
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    const error = await failure(stream.collect());
    expect(error).toMatchObject({ code: 'CW_GATEWAY_OFFLINE', message: 'gateway "gw-1" was not connected to the relay for 150 ms' });
    expect(relay.stats().jobs).toBe(0);
  });

  it('tells a gateway that re-announces a job the relay gave up on to cancel it and let it go', async () => {
    const relay = await startRelay();
    const gw = await authenticatedGateway(relay);
    gw.send({ type: 'accept', jobId: 'long-gone-job' });
    expect(await gw.next('cancel')).toEqual({ type: 'cancel', jobId: 'long-gone-job' });
    expect(await gw.next('done')).toEqual({ type: 'done', jobId: 'long-gone-job' });
  });

  it('cancels the job at the gateway when the client stops reading early', async () => {
    const relay = await startRelay();
    const gw = await authenticatedGateway(relay);
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    const { jobId } = await gw.next('job');
    gw.send({ type: 'accept', jobId });
    const reading = (async () => {
      for await (const frame of stream) if (frame.type === 'batch') break;
    })();
    await gw.next('credit');
    const frames = resultFrames(10);
    for (const frame of frames.slice(0, 5)) gw.send(packJobFrame(jobId, frame));
    await reading;
    expect(await gw.next('cancel')).toEqual({ type: 'cancel', jobId });
    expect(await gw.next('done')).toEqual({ type: 'done', jobId });
  });

  it('answers a client cancel with an error frame to the reader and cancel+done to the gateway', async () => {
    const relay = await startRelay();
    const gw = await authenticatedGateway(relay);
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    const { jobId } = await gw.next('job');
    gw.send({ type: 'accept', jobId });
    const collecting = failure(stream.collect());
    await gw.next('credit');
    gw.send(packJobFrame(jobId, resultFrames(1)[0]!));
    await client.cancel(jobId);
    expect(await collecting).toMatchObject({ code: 'CW_JOB_CANCELLED', message: `job ${jobId} was cancelled by the client` });
    expect(await gw.next('cancel')).toEqual({ type: 'cancel', jobId });
    expect(await gw.next('done')).toEqual({ type: 'done', jobId });
  });
});

describe('one exchange per query (run)', () => {
  /** The client's own HTTP, recording every request it sends (method, path, accept header) and its status. */
  function recordingHttp(change?: (request: RelayHttpRequest) => RelayHttpRequest): { http: RelayHttp; calls: Array<{ method: string; path: string; accept: string | null; status?: number }> } {
    const calls: Array<{ method: string; path: string; accept: string | null; status?: number }> = [];
    const send = createNodeHttp();
    const recording: RelayHttp = async (request) => {
      const sent = change ? change(request) : request;
      const call: { method: string; path: string; accept: string | null; status?: number } = { method: sent.method, path: new URL(sent.url).pathname, accept: sent.headers.accept ?? null };
      calls.push(call);
      const res = await send(sent);
      call.status = res.status;
      return res;
    };
    return { http: recording, calls };
  }

  it('submits and streams in one HTTP exchange, and credits the gateway with the job, before its accept', async () => {
    const relay = await startRelay();
    const gw = await authenticatedGateway(relay);
    const recorder = recordingHttp();
    const client = createRelayClient({ url: relay.url, token: TOKEN, http: recorder.http });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    const job = await gw.next('job');
    expect(stream.jobId).toBe(job.jobId);
    // The credit comes without an accept: the reader was attached when the job went out.
    expect(await gw.next('credit')).toEqual({ type: 'credit', jobId: job.jobId, untilSeq: 16 });
    gw.send({ type: 'accept', jobId: job.jobId });
    for (const frame of resultFrames(2)) gw.send(packJobFrame(job.jobId, frame));
    const result = await stream.collect();
    expect(result.rows).toEqual([[0], [1]]);
    expect(await gw.next('done')).toEqual({ type: 'done', jobId: job.jobId });
    expect(recorder.calls).toEqual([{ method: 'POST', path: '/v1/gateways/gw-1/jobs', accept: 'application/octet-stream', status: 200 }]);
    expect(relay.stats()).toMatchObject({ jobs: 0, framesForwarded: 4 });
  });

  it('answers a job POST that accepts the stream with 200, the job id header and length-prefixed frames', async () => {
    const relay = await startRelay();
    const gw = await authenticatedGateway(relay);
    const res = await fetch(`${relay.url}/v1/gateways/gw-1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/octet-stream' },
      body: JSON.stringify({ dataSource: 'pg', query: { text: 'select 1' } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const jobId = res.headers.get('x-causeway-job-id');
    expect((await gw.next('job')).jobId).toBe(jobId);
    gw.send({ type: 'accept', jobId: jobId! });
    const frames = resultFrames(0);
    for (const frame of frames) gw.send(packJobFrame(jobId!, frame));
    const body = Buffer.from(await res.arrayBuffer());
    const expected = Buffer.concat(frames.map((f) => Buffer.concat([Buffer.from([0, 0, (f.length >> 8) & 0xff, f.length & 0xff]), f])));
    expect(body.equals(expected)).toBe(true);
  });

  it('sends the response head with the first frames in one write, or alone when the gateway is slow to answer', async () => {
    const relay = await startRelay();
    const gw = await authenticatedGateway(relay);
    // A raw HTTP exchange, so what arrives in each TCP read can be seen.
    const exchange = async (): Promise<{ chunks: Array<{ at: number; data: Buffer }>; sentAt: number; done: Promise<void> }> => {
      const { port } = new URL(relay.url);
      const socket = connectTcp(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const body = JSON.stringify({ dataSource: 'pg', query: { text: 'select 1' } });
      const chunks: Array<{ at: number; data: Buffer }> = [];
      socket.on('data', (data: Buffer) => chunks.push({ at: Date.now(), data }));
      const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      const sentAt = Date.now();
      socket.write(
        `POST /v1/gateways/gw-1/jobs HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\naccept: application/octet-stream\r\n` +
          `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return { chunks, sentAt, done };
    };

    // A quick gateway: the head and the frames leave together.
    const quick = await exchange();
    const quickJob = await gw.next('job');
    gw.send({ type: 'accept', jobId: quickJob.jobId });
    for (const frame of resultFrames(1)) gw.send(packJobFrame(quickJob.jobId, frame));
    await quick.done;
    const first = quick.chunks[0]!.data;
    const headEnd = first.indexOf('\r\n\r\n');
    expect(first.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
    expect(headEnd).toBeGreaterThan(0);
    expect(first.length).toBeGreaterThan(headEnd + 4); // frames in the same read as the head

    // A slow gateway: the head comes alone after HEADERS_ALONE_AFTER_MS, the frames later.
    const slow = await exchange();
    const slowJob = await gw.next('job');
    while (slow.chunks.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(slow.chunks[0]!.at - slow.sentAt).toBeGreaterThanOrEqual(HEADERS_ALONE_AFTER_MS - 2);
    expect(slow.chunks[0]!.data.toString().endsWith('\r\n\r\n')).toBe(true);
    expect(slow.chunks[0]!.data.toString()).toContain(`x-causeway-job-id: ${slowJob.jobId}`);
    gw.send({ type: 'accept', jobId: slowJob.jobId });
    for (const frame of resultFrames(1)) gw.send(packJobFrame(slowJob.jobId, frame));
    await slow.done;
    expect(Buffer.concat(slow.chunks.map((c) => c.data)).length).toBeGreaterThan(slow.chunks[0]!.data.length);
  });

  it('falls back to submit + GET results when the relay answers 202 (a relay without the single exchange)', async () => {
    const relay = await startRelay();
    const gw = await authenticatedGateway(relay);
    // Dropping the accept header makes this relay answer as one that ignores it would: 202 {jobId}.
    const recorder = recordingHttp((request) => {
      const { accept: _dropped, ...headers } = request.headers;
      return { ...request, headers };
    });
    const client = createRelayClient({ url: relay.url, token: TOKEN, http: recorder.http });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    const { jobId } = await gw.next('job');
    gw.send({ type: 'accept', jobId });
    const collecting = stream.collect();
    await gw.next('credit');
    for (const frame of resultFrames(1)) gw.send(packJobFrame(jobId, frame));
    expect((await collecting).rows).toEqual([[0]]);
    expect(recorder.calls.map((c) => [c.method, c.path, c.status])).toEqual([
      ['POST', '/v1/gateways/gw-1/jobs', 202],
      ['GET', `/v1/jobs/${jobId}/results`, 200],
    ]);
  });

  it('cancels the job at the gateway when a run() stream is closed before it was read', async () => {
    const relay = await startRelay();
    const gw = await authenticatedGateway(relay);
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    const { jobId } = await gw.next('job');
    gw.send({ type: 'accept', jobId });
    await stream.close();
    expect(await gw.next('cancel')).toEqual({ type: 'cancel', jobId });
    expect(await gw.next('done')).toEqual({ type: 'done', jobId });
  });

  it('sends the first credit again when it re-sends the job after a reconnect', async () => {
    const relay = await startRelay();
    const first = await authenticatedGateway(relay);
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const stream = await client.run('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    const { jobId } = await first.next('job');
    await first.next('credit');
    first.ws.terminate();
    await first.closed;
    const second = await authenticatedGateway(relay);
    expect((await second.next('job')).jobId).toBe(jobId);
    expect(await second.next('credit')).toEqual({ type: 'credit', jobId, untilSeq: 16 });
    second.send({ type: 'accept', jobId });
    for (const frame of resultFrames(1)) second.send(packJobFrame(jobId, frame));
    expect((await stream.collect()).rows).toEqual([[0]]);
  });
});

describe('relay client API', () => {
  it('answers 401 with a JSON error to a bad or missing token', async () => {
    const relay = await startRelay();
    const bad = await fetch(`${relay.url}/v1/gateways/gw-1`, { headers: { authorization: 'Bearer wrong' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ code: 'CW_RELAY_AUTH_FAILED', message: 'missing or unknown bearer token' });
    const none = await fetch(`${relay.url}/v1/gateways/gw-1`);
    expect(none.status).toBe(401);
    const client = createRelayClient({ url: relay.url, token: 'wrong' });
    expect(await failure(client.getGateway('gw-1'))).toMatchObject({ code: 'CW_RELAY_AUTH_FAILED', message: 'relay answered 401 to GET /v1/gateways/gw-1: missing or unknown bearer token' });
  });

  it('describes a gateway with its key', async () => {
    const relay = await startRelay();
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const info = await client.getGateway('gw-1');
    expect(info).toEqual({ id: 'gw-1', keyId: gatewayKey.keyId, publicKey: gatewayKey.publicKey, connected: false });
    expect(await failure(client.getGateway('gw-9'))).toMatchObject({ code: 'CW_GATEWAY_OFFLINE' });
  });

  const badBodies: Array<[string, string, number, string]> = [
    ['not JSON', '{"dataSource":', 400, 'request body is not valid JSON'],
    ['empty', '', 400, 'request body is empty; expected a JSON job document'],
    ['an array', '[1,2]', 400, 'request body must be a JSON object (a relay job without jobId)'],
    ['larger than the limit', JSON.stringify({ query: { text: 'x'.repeat(5000) } }), 413, 'request body is larger than 1024 bytes'],
  ];
  for (const [name, body, status, message] of badBodies) {
    it(`answers ${status} to a job body that is ${name}`, async () => {
      const relay = await startRelay({ maxJobBytes: 1024 });
      const res = await fetch(`${relay.url}/v1/gateways/gw-1/jobs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ code: 'CW_JOB_INVALID', message });
    });
  }

  it('assigns the job id itself, overwriting one the client sent', async () => {
    const relay = await startRelay();
    const gw = await authenticatedGateway(relay);
    const res = await fetch(`${relay.url}/v1/gateways/gw-1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ jobId: 'chosen-by-client', dataSource: 'pg', query: { text: 'select 1' } }),
    });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    expect(jobId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const job = await gw.next('job');
    expect(job).toEqual({ type: 'job', jobId, body: { jobId, dataSource: 'pg', query: { text: 'select 1' } } });
  });

  it('answers 404 for unknown jobs and 409 for a second reader', async () => {
    const relay = await startRelay();
    const headers = { authorization: `Bearer ${TOKEN}` };
    const unknown = await fetch(`${relay.url}/v1/jobs/nope1234/results`, { headers });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('CW_JOB_INVALID');
    const client = createRelayClient({ url: relay.url, token: TOKEN });
    const { jobId } = await client.submit('gw-1', { dataSource: 'pg', query: { text: 'select 1' } });
    const first = await fetch(`${relay.url}/v1/jobs/${jobId}/results`, { headers });
    expect(first.status).toBe(200);
    const second = await fetch(`${relay.url}/v1/jobs/${jobId}/results`, { headers });
    expect(second.status).toBe(409);
    await first.body?.cancel();
  });
});
