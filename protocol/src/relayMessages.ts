import { CausewayError, isErrorCode, type ErrorCode } from '@causeway/sdk';

/*
 * The control protocol between a gateway's relay transport and the relay, carried as JSON text
 * messages on one WebSocket; result frames travel as binary messages (see `packJobFrame`).
 *
 * gateway -> relay: hello, auth, accept
 * relay -> gateway: challenge, ready, refused, job, resume, credit, ack, done, cancel
 *
 * `accept` is idempotent: a gateway sends it when it takes a job and again, after a reconnect, for
 * every job it still holds. A relay that no longer knows the job answers `cancel` then `done`, so
 * a job the relay gave up on while the gateway was away does not hang on the gateway.
 */

/** The first message of a gateway: who it claims to be. */
export interface HelloMessage {
  type: 'hello';
  gatewayId: string;
  keyId: string;
}

/** The gateway's proof: an RSA-PSS/SHA-256 signature of `relayAuthPayload(gatewayId, nonce)`, base64url. */
export interface AuthMessage {
  type: 'auth';
  signature: string;
}

/** The gateway took a job (or, after a reconnect, still holds it). */
export interface AcceptMessage {
  type: 'accept';
  jobId: string;
}

/** A message a gateway sends to the relay. */
export type GatewayMessage = HelloMessage | AuthMessage | AcceptMessage;

/** The relay's challenge: 32 random bytes, base64url. */
export interface ChallengeMessage {
  type: 'challenge';
  nonce: string;
}

/** The gateway is authenticated; jobs may flow. */
export interface ReadyMessage {
  type: 'ready';
  gatewayId: string;
}

/** The relay refuses the gateway; the relay closes the socket after it. */
export interface RefusedMessage {
  type: 'refused';
  code: ErrorCode;
  message: string;
}

/** A job for the gateway; `body` is the job document with the relay-assigned `jobId`. */
export interface JobMessage {
  type: 'job';
  jobId: string;
  body: unknown;
}

/** Start (again) sending the job's frames from `nextSeq`; sent for accepted jobs after a reconnect. */
export interface ResumeMessage {
  type: 'resume';
  jobId: string;
  nextSeq: number;
}

/** Cumulative credit: the gateway may send the job's frames with `seq < untilSeq`. */
export interface CreditMessage {
  type: 'credit';
  jobId: string;
  untilSeq: number;
}

/** Cumulative acknowledgement: the client has taken every frame up to and including `seq`. */
export interface AckMessage {
  type: 'ack';
  jobId: string;
  seq: number;
}

/** The relay is finished with the job (delivered, failed or cancelled) and forgets it. */
export interface DoneMessage {
  type: 'done';
  jobId: string;
}

/** The client (or the relay) cancels the job. */
export interface CancelMessage {
  type: 'cancel';
  jobId: string;
}

/** A message the relay sends to a gateway. */
export type RelayMessage =
  | ChallengeMessage
  | ReadyMessage
  | RefusedMessage
  | JobMessage
  | ResumeMessage
  | CreditMessage
  | AckMessage
  | DoneMessage
  | CancelMessage;

/** The WebSocket path a gateway dials on the relay. */
export const RELAY_GATEWAY_PATH = '/v1/gateway/connect';

/** The WebSocket close code the relay uses when it refuses a gateway. */
export const RELAY_CLOSE_REFUSED = 4401;

/** The WebSocket close code the relay uses when a newer connection of the same gateway replaces one. */
export const RELAY_CLOSE_REPLACED = 4409;

/** The longest job id the binary frame envelope can carry (its length is one byte). */
export const MAX_RELAY_JOB_ID_BYTES = 255;

const JOB_ID = /^[A-Za-z0-9_-]{1,255}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_SEQ = 0x1_0000_0000;

/** The bytes a gateway signs to answer a challenge; binds the purpose, the gateway id and the nonce. */
export function relayAuthPayload(gatewayId: string, nonce: string): Buffer {
  return Buffer.from(`causeway-relay-auth:v1:${gatewayId}:${nonce}`, 'utf8');
}

/** Serialises a control message for a WebSocket text message. */
export function encodeRelayMessage(message: GatewayMessage | RelayMessage): string {
  return JSON.stringify(message);
}

function protocolError(message: string): CausewayError {
  return new CausewayError('CW_RELAY_PROTOCOL', message);
}

function parseObject(text: string, from: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw protocolError(`${from} message is not JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw protocolError(`${from} message is not a JSON object`);
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') throw protocolError(`${from} message has no string "type"`);
  return value as Record<string, unknown>;
}

function str(msg: Record<string, unknown>, name: string, pattern?: RegExp, max = 4096): string {
  const v = msg[name];
  if (typeof v !== 'string' || v.length === 0) throw protocolError(`${String(msg.type)} message: "${name}" must be a non-empty string`);
  if (v.length > max) throw protocolError(`${String(msg.type)} message: "${name}" is longer than ${max} characters`);
  if (pattern && !pattern.test(v)) throw protocolError(`${String(msg.type)} message: "${name}" has characters outside ${pattern.source}`);
  return v;
}

function jobId(msg: Record<string, unknown>): string {
  return str(msg, 'jobId', JOB_ID, MAX_RELAY_JOB_ID_BYTES);
}

function seq(msg: Record<string, unknown>, name: string): number {
  const v = msg[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_SEQ) {
    throw protocolError(`${String(msg.type)} message: "${name}" must be an integer from 0 to ${MAX_SEQ}`);
  }
  return v;
}

/** Parses and validates a message from a gateway. Throws `CW_RELAY_PROTOCOL` naming the problem. */
export function parseGatewayMessage(text: string): GatewayMessage {
  const msg = parseObject(text, 'gateway');
  switch (msg.type) {
    case 'hello':
      return { type: 'hello', gatewayId: str(msg, 'gatewayId', undefined, 256), keyId: str(msg, 'keyId', undefined, 256) };
    case 'auth':
      return { type: 'auth', signature: str(msg, 'signature', BASE64URL, 4096) };
    case 'accept':
      return { type: 'accept', jobId: jobId(msg) };
    default:
      throw protocolError(`gateway message type "${String(msg.type).slice(0, 40)}" is unknown`);
  }
}

/** Parses and validates a message from the relay. Throws `CW_RELAY_PROTOCOL` naming the problem. */
export function parseRelayMessage(text: string): RelayMessage {
  const msg = parseObject(text, 'relay');
  switch (msg.type) {
    case 'challenge':
      return { type: 'challenge', nonce: str(msg, 'nonce', BASE64URL, 1024) };
    case 'ready':
      return { type: 'ready', gatewayId: str(msg, 'gatewayId', undefined, 256) };
    case 'refused': {
      const code = msg.code;
      if (!isErrorCode(code)) throw protocolError('refused message: "code" is not a Causeway error code');
      return { type: 'refused', code, message: typeof msg.message === 'string' ? msg.message : '' };
    }
    case 'job':
      if (!('body' in msg)) throw protocolError('job message: "body" is missing');
      return { type: 'job', jobId: jobId(msg), body: msg.body };
    case 'resume':
      return { type: 'resume', jobId: jobId(msg), nextSeq: seq(msg, 'nextSeq') };
    case 'credit':
      return { type: 'credit', jobId: jobId(msg), untilSeq: seq(msg, 'untilSeq') };
    case 'ack':
      return { type: 'ack', jobId: jobId(msg), seq: seq(msg, 'seq') };
    case 'done':
      return { type: 'done', jobId: jobId(msg) };
    case 'cancel':
      return { type: 'cancel', jobId: jobId(msg) };
    default:
      throw protocolError(`relay message type "${String(msg.type).slice(0, 40)}" is unknown`);
  }
}

/** Wraps a result frame for the binary WebSocket message: [u8 jobId length][jobId utf8][frame]. */
export function packJobFrame(jobId: string, frame: Uint8Array): Buffer {
  const id = Buffer.from(jobId, 'utf8');
  if (id.length === 0 || id.length > MAX_RELAY_JOB_ID_BYTES) throw protocolError(`job id must be 1 to ${MAX_RELAY_JOB_ID_BYTES} bytes, got ${id.length}`);
  const out = Buffer.allocUnsafe(1 + id.length + frame.byteLength);
  out[0] = id.length;
  id.copy(out, 1);
  out.set(frame, 1 + id.length);
  return out;
}

/** Unwraps a binary WebSocket message into its job id and frame (a view, not a copy). Throws `CW_RELAY_PROTOCOL`. */
export function unpackJobFrame(message: Uint8Array): { jobId: string; frame: Uint8Array } {
  if (message.byteLength < 1) throw protocolError('binary message is empty');
  const length = message[0]!;
  if (length === 0) throw protocolError('binary message has an empty job id');
  if (message.byteLength < 1 + length) throw protocolError(`binary message is ${message.byteLength} bytes, too short for its ${length}-byte job id`);
  const jobId = Buffer.from(message.buffer, message.byteOffset + 1, length).toString('utf8');
  return { jobId, frame: message.subarray(1 + length) };
}
