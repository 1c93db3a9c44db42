// msgpackr's Node entry switches on its native string extractor for the frames decoded here (the
// protocol package imports the plain entry, so a host never loads it).
import 'msgpackr';
import { encryptForGateway, toJobParameter } from '@causeway/protocol';
import { CausewayError, isErrorCode, type Value } from '@causeway/sdk';
import { readLengthPrefixed } from './lengthPrefixedFrames.js';
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
  /** A fetch implementation; default the global one. */
  fetch?: typeof fetch;
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

async function* bodyChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // Stopping early closes the connection, which tells the relay the reader is gone.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Creates a client of the relay's HTTP API. */
export function createRelayClient(options: RelayClientOptions): RelayClient {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const headers = { authorization: `Bearer ${options.token}` };

  const call = async (method: string, path: string, init: { body?: string; signal?: AbortSignal | undefined; accept?: string } = {}): Promise<Response> => {
    let res: Response;
    const sent: Record<string, string> = init.body === undefined ? { ...headers } : { ...headers, 'content-type': 'application/json' };
    if (init.accept) sent.accept = init.accept;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: sent,
        body: init.body,
        signal: init.signal,
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new CausewayError('CW_RELAY_UNREACHABLE', `could not reach the relay at ${base} for ${method} ${path}: ${(error as Error).message}`, { cause: error });
    }
    if (res.ok) return res;
    let code: unknown;
    let message = res.statusText;
    try {
      const doc = (await res.json()) as { code?: unknown; message?: unknown };
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
      return (await res.json()) as GatewayInfo;
    },

    async submit(gatewayId, job, opts = {}) {
      const body = await jobBody(gatewayId, job, opts.signal);
      const res = await call('POST', `/v1/gateways/${encodeURIComponent(gatewayId)}/jobs`, { body, signal: opts.signal });
      const { jobId } = (await res.json()) as { jobId: string };
      return { jobId };
    },

    results(jobId, opts = {}) {
      return createResultStream(jobId, async () => {
        const res = await call('GET', `/v1/jobs/${encodeURIComponent(jobId)}/results`, { signal: opts.signal });
        if (!res.body) throw new CausewayError('CW_RELAY_PROTOCOL', `the relay sent no body for the results of job ${jobId}`);
        return readLengthPrefixed(bodyChunks(res.body));
      });
    },

    async cancel(jobId, opts = {}) {
      const res = await call('DELETE', `/v1/jobs/${encodeURIComponent(jobId)}`, { signal: opts.signal });
      await res.body?.cancel();
    },

    async run(gatewayId, job, opts = {}) {
      // One HTTP exchange: the job POST asks for the results stream as its response. A relay that
      // does not offer it answers 202 with the job id, and the results are read with a second request.
      const body = await jobBody(gatewayId, job, opts.signal);
      const res = await call('POST', `/v1/gateways/${encodeURIComponent(gatewayId)}/jobs`, { body, signal: opts.signal, accept: RESULTS_CONTENT_TYPE });
      const streamedJobId = res.headers.get(JOB_ID_HEADER);
      if (res.status !== 200 || !streamedJobId || !res.body) {
        const { jobId } = (await res.json()) as { jobId: string };
        return client.results(jobId, opts);
      }
      const responseBody = res.body;
      return createResultStream(
        streamedJobId,
        async () => readLengthPrefixed(bodyChunks(responseBody)),
        // The response is open already: a stream closed before it was read must still let it go.
        () => responseBody.cancel().catch(() => undefined),
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
