import { describe, expect, it } from 'vitest';
import { writeFrame } from './frame.js';
import {
  encodeRelayMessage,
  packJobFrame,
  parseGatewayMessage,
  parseRelayMessage,
  relayAuthPayload,
  unpackJobFrame,
  type GatewayMessage,
  type RelayMessage,
} from './relayMessages.js';

function failure(fn: () => unknown): { code: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
  throw new Error('expected a throw');
}

describe('relay control messages', () => {
  const gatewayMessages: GatewayMessage[] = [
    { type: 'hello', gatewayId: 'gw-1', keyId: 'abcDEF0123456789' },
    { type: 'auth', signature: 'AbC-_09' },
    { type: 'accept', jobId: 'job_0123-x' },
  ];
  for (const message of gatewayMessages) {
    it(`round-trips the gateway message ${message.type}`, () => {
      expect(parseGatewayMessage(encodeRelayMessage(message))).toStrictEqual(message);
    });
  }

  const relayMessages: RelayMessage[] = [
    { type: 'challenge', nonce: 'bm9uY2U' },
    { type: 'ready', gatewayId: 'gw-1' },
    { type: 'refused', code: 'CW_RELAY_AUTH_FAILED', message: 'unknown gateway' },
    { type: 'job', jobId: 'j1234567', body: { jobId: 'j1234567', query: { text: 'select 1' } } },
    { type: 'resume', jobId: 'j1234567', nextSeq: 12 },
    { type: 'credit', jobId: 'j1234567', untilSeq: 4294967296 },
    { type: 'ack', jobId: 'j1234567', seq: 0 },
    { type: 'done', jobId: 'j1234567' },
    { type: 'cancel', jobId: 'j1234567' },
  ];
  for (const message of relayMessages) {
    it(`round-trips the relay message ${message.type}`, () => {
      expect(parseRelayMessage(encodeRelayMessage(message))).toStrictEqual(message);
    });
  }

  const badGateway: Array<[string, string, string]> = [
    ['not JSON', '{nope', 'gateway message is not JSON'],
    ['an array', '[1]', 'gateway message is not a JSON object'],
    ['no type', '{"jobId":"x"}', 'gateway message has no string "type"'],
    ['an unknown type', '{"type":"explode"}', 'gateway message type "explode" is unknown'],
    ['hello without keyId', '{"type":"hello","gatewayId":"g"}', 'hello message: "keyId" must be a non-empty string'],
    ['auth with a non-base64url signature', '{"type":"auth","signature":"a+b/"}', 'auth message: "signature" has characters outside ^[A-Za-z0-9_-]+$'],
    ['accept with a job id holding a slash', '{"type":"accept","jobId":"../x"}', 'accept message: "jobId" has characters outside ^[A-Za-z0-9_-]{1,255}$'],
    ['accept with a number for jobId', '{"type":"accept","jobId":7}', 'accept message: "jobId" must be a non-empty string'],
  ];
  for (const [name, text, message] of badGateway) {
    it(`rejects a gateway message that is ${name}`, () => {
      expect(failure(() => parseGatewayMessage(text))).toEqual({ code: 'CW_RELAY_PROTOCOL', message });
    });
  }

  const badRelay: Array<[string, string, string]> = [
    ['credit with a negative seq', '{"type":"credit","jobId":"j1","untilSeq":-1}', 'credit message: "untilSeq" must be an integer from 0 to 4294967296'],
    ['ack with a fractional seq', '{"type":"ack","jobId":"j1","seq":1.5}', 'ack message: "seq" must be an integer from 0 to 4294967296'],
    ['resume without nextSeq', '{"type":"resume","jobId":"j1"}', 'resume message: "nextSeq" must be an integer from 0 to 4294967296'],
    ['job without body', '{"type":"job","jobId":"j1"}', 'job message: "body" is missing'],
    ['refused with an unknown code', '{"type":"refused","code":"NOPE","message":"x"}', 'refused message: "code" is not a Causeway error code'],
    ['a gateway message type', '{"type":"hello","gatewayId":"g","keyId":"k"}', 'relay message type "hello" is unknown'],
  ];
  for (const [name, text, message] of badRelay) {
    it(`rejects a relay message that is ${name}`, () => {
      expect(failure(() => parseRelayMessage(text))).toEqual({ code: 'CW_RELAY_PROTOCOL', message });
    });
  }

  it('binds the purpose, the gateway and the nonce in the signed payload', () => {
    const a = relayAuthPayload('gw-1', 'nonceA').toString('utf8');
    expect(a).toBe('causeway-relay-auth:v1:gw-1:nonceA');
    expect(relayAuthPayload('gw-2', 'nonceA').equals(relayAuthPayload('gw-1', 'nonceA'))).toBe(false);
  });
});

describe('binary job frames', () => {
  it('round-trips a job id and a frame', () => {
    const frame = writeFrame({ type: 'batch', encoding: 'json', seq: 41 }, Buffer.from('[[1]]'));
    const packed = packJobFrame('job-é', frame);
    expect(packed[0]).toBe(Buffer.byteLength('job-é'));
    const { jobId, frame: back } = unpackJobFrame(packed);
    expect(jobId).toBe('job-é');
    expect(Buffer.from(back).equals(frame)).toBe(true);
  });

  it('rejects a job id longer than one length byte can say', () => {
    expect(failure(() => packJobFrame('x'.repeat(256), new Uint8Array(8)))).toEqual({ code: 'CW_RELAY_PROTOCOL', message: 'job id must be 1 to 255 bytes, got 256' });
  });

  it('rejects truncated and empty messages', () => {
    expect(failure(() => unpackJobFrame(new Uint8Array()))).toEqual({ code: 'CW_RELAY_PROTOCOL', message: 'binary message is empty' });
    expect(failure(() => unpackJobFrame(Uint8Array.from([0, 1])))).toEqual({ code: 'CW_RELAY_PROTOCOL', message: 'binary message has an empty job id' });
    expect(failure(() => unpackJobFrame(Uint8Array.from([9, 65, 66])))).toEqual({ code: 'CW_RELAY_PROTOCOL', message: 'binary message is 3 bytes, too short for its 9-byte job id' });
  });
});
