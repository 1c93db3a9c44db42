import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeHttp } from './relayHttp.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server that answers every request with `chunks` (written 5 ms apart) and counts connections and closed ones. */
async function serve(chunks: string[]): Promise<{ url: string; connections: () => number; closed: () => number; requests: Array<{ method: string; body: string; length: string | undefined; accept: string | undefined }> }> {
  let connections = 0;
  let closed = 0;
  const requests: Array<{ method: string; body: string; length: string | undefined; accept: string | undefined }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', async () => {
      requests.push({ method: req.method ?? '', body, length: req.headers['content-length'], accept: req.headers.accept });
      res.writeHead(201, 'Made', { 'x-causeway-job': 'job-1', 'content-type': 'text/plain' });
      for (const chunk of chunks) {
        if (res.destroyed) return;
        res.write(chunk);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      res.end();
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    socket.on('close', () => (closed += 1));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections, closed: () => closed, requests };
}

describe('createNodeHttp', () => {
  it('sends method, headers and body, and gives status, headers in any case and the body', async () => {
    const server = await serve(['hello ', 'world']);
    const send = createNodeHttp();
    const res = await send({ method: 'POST', url: `${server.url}/v1/x`, headers: { accept: 'text/plain' }, body: '{"é":1}' });
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Made');
    expect(res.header('X-Causeway-Job')).toBe('job-1');
    expect(res.header('x-missing')).toBeUndefined();
    expect(await res.text()).toBe('hello world');
    // The length counts bytes, not characters.
    expect(server.requests).toEqual([{ method: 'POST', body: '{"é":1}', length: '8', accept: 'text/plain' }]);
  });

  it('keeps the connection for the next request once a body was read to its end', async () => {
    const server = await serve(['a', 'b']);
    const send = createNodeHttp();
    for (let i = 0; i < 3; i++) {
      const res = await send({ method: 'GET', url: server.url, headers: {} });
      const chunks: string[] = [];
      for await (const chunk of res.body) chunks.push(Buffer.from(chunk).toString('utf8'));
      expect(chunks.join('')).toBe('ab');
    }
    expect(server.connections()).toBe(1);
  });

  it('closes the connection when the reader leaves the body early or discards it, and opens a new one next', async () => {
    const server = await serve(['a', 'b', 'c', 'd']);
    const send = createNodeHttp();
    const first = await send({ method: 'GET', url: server.url, headers: {} });
    for await (const chunk of first.body) {
      expect(Buffer.from(chunk).toString('utf8')).toBe('a');
      break;
    }
    const second = await send({ method: 'GET', url: server.url, headers: {} });
    second.discard();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.connections()).toBe(2);
    expect(server.closed()).toBe(2);
  });

  it('does not cut a response that is slow to come, and drops an idle connection before the server would', async () => {
    let closedByClient = false;
    const server = createServer((req, res) => {
      // Keep-alive time-out announced as 2 s: the client drops the connection after 1 s idle.
      res.writeHead(200, { 'keep-alive': 'timeout=2' });
      res.write('a');
      setTimeout(() => res.end('b'), 5500);
    });
    server.on('connection', (socket) => socket.on('end', () => (closedByClient = true)));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const res = await createNodeHttp()({ method: 'GET', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, headers: {} });
    // Longer than the agent's 5 s idle time-out, mid-response.
    expect(await res.text()).toBe('ab');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(closedByClient).toBe(true);
  });

  it('rejects a URL that is not http or https, and a request whose signal aborts', async () => {
    const send = createNodeHttp();
    await expect(send({ method: 'GET', url: 'ftp://relay.example.com/', headers: {} })).rejects.toThrow('the relay URL must be http:// or https://, got ftp:');
    const server = await serve(['x']);
    const aborted = AbortSignal.abort();
    await expect(send({ method: 'GET', url: server.url, headers: {}, signal: aborted })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects when nothing listens', async () => {
    const server = await serve([]);
    const url = server.url;
    servers.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(createNodeHttp()({ method: 'GET', url, headers: {} })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
