import http from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthorizer } from './createAuthorizer.js';
import { sendXmlaRequest, type XmlaTarget } from './sendXmlaRequest.js';
import { XmlaHttpError, XmlaServerError } from './xmlaErrors.js';

interface Received {
  connection: number;
  head: string;
  body: string;
}

// A raw HTTP/1.1 server, so a test can decide per request what happens to the connection.
async function rawServer(answer: (request: Received, socket: Socket) => void): Promise<{ port: number; received: Received[]; close(): void }> {
  const received: Received[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const request = { connection, head, body: buffer.subarray(end + 4, end + 4 + length).toString('utf8') };
        buffer = buffer.subarray(end + 4 + length);
        received.push(request);
        answer(request, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

function respond(socket: Socket, status: string, type: string, body: string): void {
  socket.write(`HTTP/1.1 ${status}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`);
}

const agents: http.Agent[] = [];
function target(port: number): XmlaTarget {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  agents.push(agent);
  return { url: new URL(`http://127.0.0.1:${port}/olap/msmdpump.dll`), agent, authorizer: createAuthorizer('basic', { kind: 'password', username: 'svc', password: 'pw' }), connectTimeoutMs: 2000 };
}
const request = { soapAction: '"urn:schemas-microsoft-com:xml-analysis:Execute"', body: '<x>é</x>' };
const never = new AbortController().signal;

async function text(response: http.IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of response as AsyncIterable<Buffer>) body += chunk.toString('utf8');
  return body;
}

afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
});

describe('sendXmlaRequest', () => {
  it('POSTs the envelope with SOAPAction, content type, length and the authorizer headers', async () => {
    const server = await rawServer((_r, socket) => respond(socket, '200 OK', 'text/xml', '<ok/>'));
    try {
      const response = await sendXmlaRequest(target(server.port), request, never);
      expect(await text(response)).toBe('<ok/>');
      const [received] = server.received;
      expect(received!.head).toMatch(/^POST \/olap\/msmdpump\.dll HTTP\/1\.1/);
      expect(received!.head).toMatch(/soapaction: "urn:schemas-microsoft-com:xml-analysis:Execute"/i);
      expect(received!.head).toMatch(/content-type: text\/xml; charset=utf-8/i);
      expect(received!.head).toMatch(new RegExp(`authorization: Basic ${Buffer.from('svc:pw').toString('base64')}`, 'i'));
      expect(received!.body).toBe('<x>é</x>');
    } finally {
      server.close();
    }
  });

  it('sends again, on a new connection, a request that failed on a kept-alive socket the server had dropped', async () => {
    const server = await rawServer((received, socket) => {
      // The first connection serves one request, then resets on the next, as a server closing an idle socket does.
      if (received.connection === 1 && server.received.filter((r) => r.connection === 1).length > 1) socket.resetAndDestroy();
      else respond(socket, '200 OK', 'text/xml', `<n>${server.received.length}</n>`);
    });
    try {
      const to = target(server.port);
      expect(await text(await sendXmlaRequest(to, request, never))).toBe('<n>1</n>');
      expect(await text(await sendXmlaRequest(to, request, never))).toBe('<n>3</n>');
      expect(server.received.map((r) => r.connection)).toEqual([1, 1, 2]);
    } finally {
      server.close();
    }
  });

  it('rejects a SOAP fault sent with status 500 as the server error, and other statuses as HTTP errors', async () => {
    const fault =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>XMLAnalysisError.0xc10a0004</faultcode>' +
      '<faultstring>Bad.</faultstring><detail><Error ErrorCode="3238658052" Description="The request is not valid."/></detail></soap:Fault></soap:Body></soap:Envelope>';
    const answers = [
      ['500 Internal Server Error', 'text/xml; charset=utf-8', fault],
      ['500 Internal Server Error', 'text/html', '<html>boom</html>'],
      ['401 Unauthorized', 'text/xml', fault],
    ];
    const server = await rawServer((received, socket) => {
      const [status, type, body] = answers[server.received.indexOf(received)]!;
      respond(socket, status!, type!, body!);
    });
    try {
      const to = target(server.port);
      await expect(sendXmlaRequest(to, request, never)).rejects.toEqual(expect.objectContaining({ kind: 'fault', errorCode: '3238658052', message: 'The request is not valid.' }));
      const html = await sendXmlaRequest(to, request, never).catch((error: unknown) => error);
      expect(html).toBeInstanceOf(XmlaHttpError);
      expect(html).toMatchObject({ status: 500 });
      const denied = await sendXmlaRequest(to, request, never).catch((error: unknown) => error);
      expect(denied).toBeInstanceOf(XmlaHttpError);
      expect(denied).not.toBeInstanceOf(XmlaServerError);
      expect(denied).toMatchObject({ status: 401 });
    } finally {
      server.close();
    }
  });

  it('aborts a request waiting for its response: rejects with the reason and closes the connection', async () => {
    let closed = false;
    const server = await rawServer((_r, socket) => socket.on('close', () => (closed = true)));
    try {
      const controller = new AbortController();
      const pending = sendXmlaRequest(target(server.port), request, controller.signal);
      for (let i = 0; i < 100 && server.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
      for (let i = 0; i < 100 && !closed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(closed).toBe(true);
    } finally {
      server.close();
    }
  });
});
