import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { XmlaHttpRequest } from './buildXmlaRequest.js';
import type { XmlaAuthorizer } from './createAuthorizer.js';
import { createRowsetParser } from './createRowsetParser.js';
import { XmlaHttpError, XmlaServerError } from './xmlaErrors.js';

/** Where and how one identity's requests go. */
export interface XmlaTarget {
  url: URL;
  /** The identity's keep-alive agent (http.Agent or https.Agent, which carries the TLS options). */
  agent: http.Agent;
  authorizer: XmlaAuthorizer;
  /** Limit for opening the TCP (and TLS) connection; a request on a kept-alive socket has none. */
  connectTimeoutMs: number;
}

// A SOAP fault in an error response is small; anything larger is not one.
const maxErrorBody = 256 * 1024;

/**
 * POSTs one XMLA request and resolves with the response once its headers are in, for the caller to
 * stream. `signal` destroys the request, and the response with it, at any time. A request that
 * fails on a kept-alive socket the server had closed, before any response, is sent again once on a
 * new connection. Non-2xx answers reject: with XmlaServerError when the body is a SOAP fault (SOAP
 * 1.1 sends faults with status 500), else with XmlaHttpError (401 and 403 are never parsed).
 */
export async function sendXmlaRequest(target: XmlaTarget, request: XmlaHttpRequest, signal: AbortSignal): Promise<IncomingMessage> {
  const headers = {
    'content-type': 'text/xml; charset=utf-8',
    accept: 'text/xml, application/soap+xml',
    'accept-encoding': 'identity',
    soapaction: request.soapAction,
    'content-length': String(Buffer.byteLength(request.body, 'utf8')),
    ...(await target.authorizer.authorize({ method: 'POST', url: target.url }, signal)),
  };
  let response: IncomingMessage;
  try {
    response = await post(target, headers, request.body, signal);
  } catch (error) {
    if (!(error as { reusedSocket?: boolean }).reusedSocket || signal.aborted) throw error;
    response = await post(target, headers, request.body, signal);
  }
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return response;
  if (status === 401 || status === 403) {
    response.resume();
    throw new XmlaHttpError(status, response.statusMessage ?? '');
  }
  const fault = await readFault(response);
  if (fault) throw fault;
  throw new XmlaHttpError(status, response.statusMessage ?? '');
}

function post(target: XmlaTarget, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const secure = target.url.protocol === 'https:';
    const req = (secure ? https : http).request(target.url, { method: 'POST', agent: target.agent, headers });
    let connectTimer: NodeJS.Timeout | undefined;
    let response: IncomingMessage | undefined;

    const onAbort = (): void => {
      // Once the response is in, destroy it without an error: a socket destroyed with an error after
      // the request has let go of it would emit that error with no one listening.
      if (response) response.destroy();
      else req.destroy(abortedError(signal));
    };
    const cleanup = (): void => {
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });

    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => {
        const error = Object.assign(new Error(`connecting to ${target.url.host} timed out after ${target.connectTimeoutMs} ms`), { code: 'ETIMEDOUT' });
        req.destroy(error);
      }, target.connectTimeoutMs);
      connectTimer.unref();
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    req.on('response', (res) => {
      response = res;
      clearTimeout(connectTimer);
      // A socket error while nobody reads the body must not become an uncaught 'error' event; readers see it too.
      res.on('error', () => undefined);
      // Keep the abort listener until the body is done: the caller streams it.
      res.once('close', cleanup);
      resolve(res);
    });
    req.on('error', (error) => {
      if (!response) {
        cleanup();
        // Node's advice: a reused keep-alive socket may have been closed by the server just before we wrote.
        const retryable = req.reusedSocket && (error as { code?: string }).code === 'ECONNRESET';
        reject(retryable ? Object.assign(error, { reusedSocket: true }) : error);
      }
    });
    req.end(body);
  });
}

function abortedError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('the request was aborted');
}

async function readFault(response: IncomingMessage): Promise<XmlaServerError | undefined> {
  const type = String(response.headers['content-type'] ?? '');
  if (!/xml/i.test(type)) {
    response.resume();
    return undefined;
  }
  const parser = createRowsetParser();
  let read = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > maxErrorBody) break;
      parser.write(chunk);
    }
    parser.end();
  } catch (error) {
    if (error instanceof XmlaServerError) return error;
  } finally {
    response.destroy();
  }
  return undefined;
}
