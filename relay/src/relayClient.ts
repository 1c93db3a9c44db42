// msgpackr's Node entry switches on its native string extractor for the frames decoded here (the
// protocol package imports the plain entry, so a host never loads it).
import 'msgpackr';
import { encryptForGateway, toJobParameter } from '@causeway/protocol';
import { CausewayError, isErrorCode, type Value } from '@causeway/sdk';
import { readLengthPrefixed } from './lengthPrefixedFrames.js';
import { createNodeHttp, type RelayHttp, type RelayHttpResponse } from './relayHttp.js';
import { createResultStream, type ResultStream } from './resultStream.js';
import { JOB_ID_HEADER, RESULTS_CONTENT_TYPE } from './resultsExchange.js';

/** A gateway as the relay describes it. */
export interface GatewayInfo {
  id: string;
  /** The id of the gateway's key (what credential envelopes name). */
  keyId: string;
  /** The gateway's public key (SPKI PEM); credentials are encrypted to it. */
  publicKey: string;
  /** Whether the gateway is connected to the relay now. */
  connected: boolean;
}

/** A job as a client submits it; the relay assigns the job id. */
export interface ClientJob {
  dataSource: string;
  query: { text: string; parameters?: Value[] };
  identity?: { userPrincipalName?: string; accessToken?: string };
  /** Plaintext credentials; the client encrypts them to the gateway's key before they leave the process. */
  credentials?: Record<string, unknown>;
  options?: { mode?: 'stream' | 'spool'; timeoutMs?: number; encoding?: 'msgpack' | 'json'; batchRows?: number };
}

/** Options of the relay client. */
export interface RelayClientOptions {
  /** The relay's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** A bearer token the relay accepts. */
  token: string;
  /**
   * How requests are sent; default `createNodeHttp()` (Node's http/https, keep-alive). Pass your
   * own to add headers, go through a proxy agent (`createNodeHttp({ agents })`) or record requests.
   */
  http?: RelayHttp;
}

/** The cloud-side client of the relay. */
export interface RelayClient {
  /** Describes a gateway, with its public key. */
  getGateway(id: string, options?: { signal?: AbortSignal }): Promise<GatewayInfo>;
  /** Encrypts the credentials to the gateway and queues the job. */
  submit(gatewayId: string, job: ClientJob, options?: { signal?: AbortSignal }): Promise<{ jobId: string }>;
  /** Opens a job's results; nothing is fetched until the stream is read. */
  results(jobId: string, options?: { signal?: AbortSignal }): ResultStream;
  /** Cancels a job. */
  cancel(jobId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Submits a job and opens its results, in one HTTP exchange where the relay offers it. */
  run(gatewayId: string, job: ClientJob, options?: { signal?: AbortSignal }): Promise<ResultStream>;
}

/** Reads a JSON answer; one that is not JSON is a protocol error, not a crash in the caller. */
async function json(res: RelayHttpResponse): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CausewayError('CW_RELAY_PROTOCOL', `the relay answered ${res.status} with a body that is not JSON`, { cause: error });
  }
}

/** Creates a client of the relay's HTTP API. */
export function createRelayClient(options: RelayClientOptions): RelayClient {
  const base = options.url.replace(/\/+$/, '');
  const send = options.http ?? createNodeHttp();
  const headers = { authorization: `Bearer ${options.token}` };

  const call = async (method: string, path: string, init: { body?: string; signal?: AbortSignal | undefined; accept?: string } = {}): Promise<RelayHttpResponse> => {
    let res: RelayHttpResponse;
    const sent: Record<string, string> = init.body === undefined ? { ...headers } : { ...headers, 'content-type': 'application/json' };
    if (init.accept) sent.accept = init.accept;
    try {
      res = await send({ method, url: `${base}${path}`, headers: sent, body: init.body, signal: init.signal });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new CausewayError('CW_RELAY_UNREACHABLE', `could not reach the relay at ${base} for ${method} ${path}: ${(error as Error).message}`, { cause: error });
    }
    if (res.status >= 200 && res.status < 300) return res;
    let code: unknown;
    let message = res.statusText;
    try {
      const doc = JSON.parse(await res.text()) as { code?: unknown; message?: unknown };
      code = doc.code;
      if (typeof doc.message === 'string') message = doc.message;
    } catch {
      // Not our JSON error document; the status says enough.
    }
    const fallback = res.status === 401 || res.status === 403 ? 'CW_RELAY_AUTH_FAILED' : 'CW_RELAY_PROTOCOL';
    throw new CausewayError(isErrorCode(code) ? code : fallback, `relay answered ${res.status} to ${method} ${path}: ${message}`, { details: { status: res.status } });
  };

  const client: RelayClient = {
    async getGateway(id, opts = {}) {
      const res = await call('GET', `/v1/gateways/${encodeURIComponent(id)}`, { signal: opts.signal });
      return json(res) as Promise<GatewayInfo>;
    },

    async submit(gatewayId, job, opts = {}) {
      const body = await jobBody(gatewayId, job, opts.signal);
      const res = await call('POST', `/v1/gateways/${encodeURIComponent(gatewayId)}/jobs`, { body, signal: opts.signal });
      const { jobId } = (await json(res)) as { jobId: string };
      return { jobId };
    },

    results(jobId, opts = {}) {
      return createResultStream(jobId, async () => {
        const res = await call('GET', `/v1/jobs/${encodeURIComponent(jobId)}/results`, { signal: opts.signal });
        return readLengthPrefixed(res.body);
      });
    },

    async cancel(jobId, opts = {}) {
      const res = await call('DELETE', `/v1/jobs/${encodeURIComponent(jobId)}`, { signal: opts.signal });
      // The relay took the cancel; read its answer to the end so the connection goes back to the
      // pool, and let a connection lost while doing so not turn the cancel into a failure.
      await res.text().catch(() => res.discard());
    },

    async run(gatewayId, job, opts = {}) {
      // One HTTP exchange: the job POST asks for the results stream as its response. A relay that
      // does not offer it answers 202 with the job id, and the results are read with a second request.
      const body = await jobBody(gatewayId, job, opts.signal);
      const res = await call('POST', `/v1/gateways/${encodeURIComponent(gatewayId)}/jobs`, { body, signal: opts.signal, accept: RESULTS_CONTENT_TYPE });
      const streamedJobId = res.header(JOB_ID_HEADER);
      if (res.status !== 200 || !streamedJobId) {
        const { jobId } = (await json(res)) as { jobId: string };
        return client.results(jobId, opts);
      }
      return createResultStream(
        streamedJobId,
        async () => readLengthPrefixed(res.body),
        // The response is open already: a stream closed before it was read must still let it go.
        async () => res.discard(),
      );
    },
  };

  const jobBody = async (gatewayId: string, job: ClientJob, signal: AbortSignal | undefined): Promise<string> => {
    const body: Record<string, unknown> = {
      dataSource: job.dataSource,
      query: job.query.parameters ? { text: job.query.text, parameters: job.query.parameters.map(toJobParameter) } : { text: job.query.text },
    };
    if (job.identity) body.identity = job.identity;
    if (job.options) body.options = job.options;
    if (job.credentials) {
      const gateway = await client.getGateway(gatewayId, { signal });
      body.credentials = encryptForGateway(gateway.publicKey, job.credentials);
    }
    return JSON.stringify(body);
  };
  return client;
}
