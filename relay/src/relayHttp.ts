import http from 'node:http';
import https from 'node:https';

/** One HTTP request of the relay client. */
export interface RelayHttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** An answer of the relay: status and headers at once, the body read once, as it arrives. */
export interface RelayHttpResponse {
  status: number;
  statusText: string;
  /** A response header (name in any case), or undefined. */
  header(name: string): string | undefined;
  /** The body's chunks as they arrive. Leaving the loop early closes the connection. */
  body: AsyncIterable<Uint8Array>;
  /** Reads the rest of the body as UTF-8 text. */
  text(): Promise<string>;
  /** Closes the connection without reading the rest of the body. */
  discard(): void;
}

/** Sends one request to the relay; rejects only when no answer came (connection, TLS, abort). */
export type RelayHttp = (request: RelayHttpRequest) => Promise<RelayHttpResponse>;

function wrap(res: http.IncomingMessage): RelayHttpResponse {
  return {
    status: res.statusCode ?? 0,
    statusText: res.statusMessage ?? '',
    header(name) {
      const value = res.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    body: res,
    async text() {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    discard() {
      res.destroy();
    },
  };
}

/**
 * The relay client's HTTP, on Node's `http` and `https` with keep-alive connections (idle ones do
 * not keep the process alive). Chosen over the global `fetch`: a small request and its streamed
 * answer cost about a quarter of fetch's CPU (no WHATWG streams, request and header objects), and
 * that is on every query's path (docs/performance.md, fourth round).
 */
export function createNodeHttp(options: { agents?: { http?: http.Agent; https?: https.Agent } } = {}): RelayHttp {
  // As Node's global agent: an idle connection is dropped after 5 s, or a second before the server's
  // announced keep-alive time-out, so a request does not go out on a connection the server is closing.
  // (The time-out only ever closes idle connections: a result that is slow to come is not cut.)
  const httpAgent = options.agents?.http ?? new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });
  const httpsAgent = options.agents?.https ?? new https.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });
  return (request) =>
    new Promise<RelayHttpResponse>((resolve, reject) => {
      const url = new URL(request.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TypeError(`the relay URL must be http:// or https://, got ${url.protocol}`));
        return;
      }
      const headers = request.body === undefined ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
      const options = { method: request.method, headers, signal: request.signal };
      const onResponse = (res: http.IncomingMessage): void => resolve(wrap(res));
      const req = url.protocol === 'https:' ? https.request(url, { ...options, agent: httpsAgent }, onResponse) : http.request(url, { ...options, agent: httpAgent }, onResponse);
      req.once('error', reject);
      req.end(request.body);
    });
}
