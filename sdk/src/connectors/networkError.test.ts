import { createConnection, createServer, type AddressInfo } from 'node:net';
import { lookup } from 'node:dns/promises';
import { describe, expect, it } from 'vitest';
import { classifyNetworkError, connectError, connectionLostError } from './networkError.js';

function socketError(options: { host: string; port: number }): Promise<Error> {
  return new Promise((resolve) => {
    const socket = createConnection(options);
    socket.once('error', resolve);
    socket.once('connect', () => {
      socket.destroy();
      resolve(new Error('connected'));
    });
  });
}

describe('classifyNetworkError', () => {
  it('classifies real socket errors: refused port and unknown host', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(classifyNetworkError(await socketError({ host: '127.0.0.1', port }))).toBe('refused');
    expect(classifyNetworkError(await lookup('causeway-test.invalid').catch((error: unknown) => error))).toBe('host-not-found');
  });

  it('walks wrapped causes and aggregate errors as drivers produce them', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const wrapped = Object.assign(new Error('Failed to connect'), { code: 'ESOCKET', cause: refused });
    expect(classifyNetworkError(wrapped)).toBe('refused');
    expect(classifyNetworkError(new AggregateError([refused], 'all attempts failed'))).toBe('refused');
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toBe('tls');
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' }))).toBe('timeout');
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('lost');
    expect(classifyNetworkError(new Error('syntax error'))).toBeUndefined();
    const loop: Error & { cause?: unknown } = new Error('loop');
    loop.cause = loop;
    expect(classifyNetworkError(loop)).toBeUndefined();
  });
});

describe('connectError and connectionLostError', () => {
  const target = { product: 'TestDB', where: 'db.example:1234', connectTimeoutMs: 2500 };

  it('gives each failure its own code and names the target', () => {
    const cases: Array<[string, string]> = [
      ['ENOTFOUND', 'CW_HOST_NOT_FOUND'],
      ['ECONNREFUSED', 'CW_CONNECT_REFUSED'],
      ['ETIMEDOUT', 'CW_CONNECT_TIMEOUT'],
      ['CERT_HAS_EXPIRED', 'CW_TLS_FAILED'],
      ['ECONNRESET', 'CW_CONNECT_FAILED'],
    ];
    for (const [code, expected] of cases) {
      const error = connectError(Object.assign(new Error(`socket ${code}`), { code }), target);
      expect(error.code).toBe(expected);
      expect(error.message).toContain('TestDB at db.example:1234');
    }
    expect(connectError(new Error('login timeout'), target, 'timeout').message).toContain('timed out after 2500 ms');
    expect(connectError(new Error('protocol mismatch'), target)).toMatchObject({ code: 'CW_CONNECT_FAILED', message: expect.stringContaining('protocol mismatch') });
  });

  it('reports a connection lost during a query', () => {
    const error = connectionLostError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), target);
    expect(error.code).toBe('CW_CONNECTION_LOST');
    expect(error.message).toContain('during the query');
  });
});
