// msgpackr's Node entry switches on its native string extractor for the frames decoded here (the
// protocol package imports the plain entry, so a host never loads it).
import 'msgpackr';
import { encryptForGateway, keyIdOf, toJobParameter } from '@causeway/protocol';
import { CausewayError, type ClusterStatus, type Logger, type Value } from '@causeway/sdk';
import { randomBytes } from 'node:crypto';
import { type AwaitableSender, type EventContext, type Receiver, ReceiverEvents, message as amqpMessage } from 'rhea-promise';
import type { AmqpEndpoint } from '../amqpEndpoint.js';
import { createSenderCache, type SenderCache } from '../createSenderCache.js';
import { createJobMessage } from '../jobMessage.js';
import { memberStatus } from '../memberAnnouncement.js';
import { openBrokerConnection, type BrokerConnection } from '../openBrokerConnection.js';
import { CLUSTER_NAME_PATTERN, expandAddress } from '../readAmqpSettings.js';
import { readClusterAnnouncements } from '../readClusterStatus.js';
import { readResultMessage } from '../resultMessages.js';
import { createClusterResultStream, type ClusterResultStream } from './createClusterResultStream.js';
import { createResultAssembler, type ResultAssembler } from './createResultAssembler.js';

/** A job as a client submits it to a cluster. */
export interface ClusterJob {
  dataSource: string;
  query: { text: string; parameters?: Value[] };
  identity?: { userPrincipalName?: string; accessToken?: string };
  /** Plaintext credentials; the client encrypts them to the cluster's public key before they leave the process. */
  credentials?: Record<string, unknown>;
  options?: { mode?: 'stream' | 'spool'; timeoutMs?: number; encoding?: 'msgpack' | 'json'; batchRows?: number };
}

/** Options of the cluster client. */
export interface ClusterClientOptions {
  /** The broker: `amqp://host[:port]` or `amqps://host[:port]`, without credentials. */
  url: string;
  /** The cluster's name, as its members are configured. */
  cluster: string;
  /** RabbitMQ virtual host (sent as the AMQP open hostname `vhost:<name>`). */
  vhost?: string;
  /** The AMQP open hostname, when it is not `vhost:<vhost>`. */
  hostname?: string;
  /** SASL PLAIN when both are given, else SASL ANONYMOUS. */
  username?: string;
  password?: string;
  tls?: { ca?: string | Buffer; servername?: string; rejectUnauthorized?: boolean };
  /** Address templates, as the members have them (`{cluster}`, `{member}`). */
  addresses?: { jobs?: string; status?: string; control?: string };
  /** The client's reply queue; default `<cluster>.reply.<random>`. */
  replyQueue?: string;
  /**
   * Where the client reads results, and the reply-to address members send them to; default
   * `/queue/<replyQueue>` and `/amq/queue/<replyQueue>` (RabbitMQ: the member does not declare it, so
   * results for a client that is gone are dropped). On Service Bus both are the reply queue's name.
   */
  replyAddresses?: { receive: string; replyTo: string };
  /** The cluster's public key (SPKI PEM) to encrypt credentials to; default: the one the members announce. */
  publicKey?: string;
  /** Frames held for readers before the client stops taking result messages (default 256). */
  maxBufferedFrames?: number;
  /** A job whose members send nothing for this long fails with `CW_GATEWAY_OFFLINE` (default 5 minutes). */
  resultTimeoutMs?: number;
  /** A job nobody took for this long expires on the broker (default 10 minutes). */
  jobTtlMs?: number;
  connectTimeoutMs?: number;
  logger?: Logger;
}

/** The cloud-side client of a gateway cluster on an AMQP 1.0 broker. */
export interface ClusterClient {
  /** Encrypts the credentials to the cluster's key and puts the job on the job queue; resolves once the broker has it. */
  submit(job: ClusterJob, options?: { jobId?: string }): Promise<{ jobId: string }>;
  /** The results of a job this client submitted. */
  results(jobId: string): ClusterResultStream;
  /** Submits a job and opens its results. */
  run(job: ClusterJob): Promise<ClusterResultStream>;
  /** Asks the members running the job to cancel it; its reader gets `CW_JOB_CANCELLED`. */
  cancel(jobId: string): Promise<void>;
  /** The cluster's members, from their announcements. */
  status(): Promise<ClusterStatus>;
  /** The reply queue's name. */
  readonly replyQueue: string;
  /** Closes the connection; unfinished jobs fail with `CW_SHUTTING_DOWN`. */
  close(): Promise<void>;
}

interface JobState {
  jobId: string;
  assembler: ResultAssembler;
  frames: Uint8Array[];
  wake: (() => void) | undefined;
  failure: Error | undefined;
  members: Set<string>;
  cancelled: boolean;
  timer: NodeJS.Timeout | undefined;
}

interface Connected {
  broker: BrokerConnection;
  jobs: AwaitableSender;
  replies: Receiver;
  senders: SenderCache;
}

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

function endpointOf(options: ClusterClientOptions): AmqpEndpoint {
  const url = new URL(options.url);
  if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') throw new CausewayError('CW_CONFIG_INVALID', `cluster client: url must be amqp:// or amqps://, not ${url.protocol}`);
  if (url.username || url.password) throw new CausewayError('CW_CONFIG_INVALID', 'cluster client: the url must not carry credentials; pass username and password');
  const tls = url.protocol === 'amqps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : tls ? 5671 : 5672,
    tls,
    hostname: options.hostname ?? (options.vhost !== undefined ? `vhost:${options.vhost}` : undefined),
    username: options.username,
    password: options.password,
    ca: options.tls?.ca,
    servername: options.tls?.servername,
    rejectUnauthorized: options.tls?.rejectUnauthorized,
    idleTimeoutMs: 30_000,
    operationTimeoutMs: options.connectTimeoutMs ?? 10_000,
  };
}

/**
 * Creates a client of a gateway cluster. It connects on first use: a reply queue of its own (members
 * send results there), a sender to the job queue. Result messages are put back together per job by
 * `createResultAssembler`: frames in order, each once, whichever member (or members, after a
 * failover) sent them; a job whose second run differs fails with `CW_RESULT_DIVERGED`.
 */
export function createClusterClient(options: ClusterClientOptions): ClusterClient {
  if (!CLUSTER_NAME_PATTERN.test(options.cluster)) throw new CausewayError('CW_CONFIG_INVALID', `cluster client: "${options.cluster}" is not a cluster name`);
  const endpoint = endpointOf(options);
  const logger = options.logger ?? silent;
  const names = { cluster: options.cluster };
  const jobsAddress = expandAddress(options.addresses?.jobs ?? '/queue/{cluster}.jobs', names);
  const statusAddress = expandAddress(options.addresses?.status ?? '/queue/{cluster}.status', names);
  const controlTemplate = expandAddress(options.addresses?.control ?? '/queue/{cluster}.member.{member}', names);
  const replyQueue = options.replyQueue ?? `${options.cluster}.reply.${randomBytes(8).toString('hex')}`;
  const replyAddresses = options.replyAddresses ?? { receive: `/queue/${replyQueue}`, replyTo: `/amq/queue/${replyQueue}` };
  const maxBuffered = options.maxBufferedFrames ?? 256;
  const resultTimeoutMs = options.resultTimeoutMs ?? 5 * 60_000;
  const jobs = new Map<string, JobState>();
  let buffered = 0;
  let connecting: Promise<Connected> | undefined;
  let closed = false;
  let clusterKey: { publicKey: string; keyId: string } | undefined = options.publicKey ? { publicKey: options.publicKey, keyId: keyIdOf(options.publicKey) } : undefined;

  // New credit only once the last grant is used up (RabbitMQ 3.x over-delivers on a top-up of an open grant).
  const topUp = (receiver: Receiver): void => {
    const want = maxBuffered - buffered;
    if (receiver.credit === 0 && want > 0) receiver.addCredit(want);
  };

  const fail = (job: JobState, error: Error): void => {
    if (job.failure) return;
    job.failure = error;
    clearTimeout(job.timer);
    job.wake?.();
  };

  const sendCancel = (connected: Connected, jobId: string, memberId: string): void => {
    const address = controlTemplate.replaceAll('{member}', memberId);
    void connected.senders
      .lease(address)
      .then(async (lease) => {
        try {
          await lease.sender.send({ body: amqpMessage.data_section(Buffer.from(JSON.stringify({ type: 'cancel', jobId }))), ttl: 60_000 });
        } finally {
          lease.release();
        }
      })
      .catch((error: unknown) => logger.warn({ jobId, memberId, err: (error as Error).message }, 'could not send a cancel to a member'));
  };

  const armTimer = (job: JobState): void => {
    clearTimeout(job.timer);
    job.timer = setTimeout(
      () => fail(job, new CausewayError('CW_GATEWAY_OFFLINE', `no member of cluster "${options.cluster}" sent results for job ${job.jobId} within ${resultTimeoutMs} ms`)),
      resultTimeoutMs,
    );
    job.timer.unref();
  };

  const onReply = (connected: Connected, context: EventContext): void => {
    const message = context.message;
    if (!message) return;
    const jobId = typeof message.correlation_id === 'string' ? message.correlation_id : undefined;
    const job = jobId ? jobs.get(jobId) : undefined;
    if (!job || job.failure) return; // a job this client finished, closed or never sent; or a late copy
    let frames: Uint8Array[];
    try {
      const part = readResultMessage(message);
      if (!job.members.has(part.memberId)) {
        job.members.add(part.memberId);
        if (job.cancelled) sendCancel(connected, job.jobId, part.memberId);
      }
      frames = job.assembler.push(part);
    } catch (error) {
      fail(job, error as Error);
      for (const member of job.members) sendCancel(connected, job.jobId, member);
      return;
    }
    if (job.assembler.finished) clearTimeout(job.timer);
    else armTimer(job);
    if (frames.length > 0) {
      job.frames.push(...frames);
      buffered += frames.length;
      job.wake?.();
    }
    topUp(connected.replies);
  };

  const connect = (): Promise<Connected> => {
    if (closed) return Promise.reject(new CausewayError('CW_SHUTTING_DOWN', 'the cluster client is closed'));
    connecting ??= (async () => {
      const broker = await openBrokerConnection(endpoint, { containerId: `causeway-client-${randomBytes(4).toString('hex')}` });
      try {
        const replies = await broker.guard(broker.connection.createReceiver({ source: { address: replyAddresses.receive, durable: 0 }, credit_window: 0, autoaccept: true }), `attaching to ${replyAddresses.receive}`);
        const jobsSender = await broker.guard(broker.connection.createAwaitableSender({ target: { address: jobsAddress, durable: 2 } }), `attaching to ${jobsAddress}`);
        const connected: Connected = { broker, jobs: jobsSender, replies, senders: createSenderCache(broker) };
        replies.on(ReceiverEvents.message, (context) => onReply(connected, context));
        broker.lost.addEventListener(
          'abort',
          () => {
            connecting = undefined;
            const reason = broker.lost.reason as Error;
            for (const job of jobs.values()) fail(job, reason);
          },
          { once: true },
        );
        topUp(replies);
        return connected;
      } catch (error) {
        await broker.close(500);
        throw error;
      }
    })();
    connecting.catch(() => (connecting = undefined));
    return connecting;
  };

  const keyForCredentials = async (connected: Connected): Promise<{ publicKey: string; keyId: string }> => {
    if (clusterKey) return clusterKey;
    const members = await readClusterAnnouncements(connected.broker, options.cluster, statusAddress);
    const keys = new Set(members.map((m) => m.keyId));
    if (keys.size > 1) throw new CausewayError('CW_CLUSTER_KEY_MISMATCH', `the members of cluster "${options.cluster}" announce different keys (${[...keys].join(', ')}); pass publicKey`);
    const first = members[0];
    if (!first) throw new CausewayError('CW_GATEWAY_OFFLINE', `no member of cluster "${options.cluster}" announced its key; pass publicKey to encrypt credentials without one`);
    clusterKey = { publicKey: first.publicKey, keyId: first.keyId };
    return clusterKey;
  };

  const client: ClusterClient = {
    replyQueue,
    async submit(job, submitOptions = {}) {
      const connected = await connect();
      const jobId = submitOptions.jobId ?? randomBytes(16).toString('base64url');
      const body: Record<string, unknown> = {
        jobId,
        dataSource: job.dataSource,
        query: job.query.parameters ? { text: job.query.text, parameters: job.query.parameters.map(toJobParameter) } : { text: job.query.text },
      };
      if (job.identity) body.identity = job.identity;
      if (job.options) body.options = job.options;
      let keyId: string | undefined;
      if (job.credentials) {
        const key = await keyForCredentials(connected);
        body.credentials = encryptForGateway(key.publicKey, job.credentials);
        keyId = key.keyId;
      }
      // The job's state exists before the job is on the queue: its first result cannot come unnoticed.
      const state: JobState = { jobId, assembler: createResultAssembler(jobId), frames: [], wake: undefined, failure: undefined, members: new Set(), cancelled: false, timer: undefined };
      jobs.set(jobId, state);
      armTimer(state);
      try {
        await connected.broker.guard(
          connected.jobs.send(createJobMessage({ jobId, body, replyTo: replyAddresses.replyTo, ttlMs: options.jobTtlMs ?? 10 * 60_000, ...(keyId ? { keyId } : {}) })),
          `sending job ${jobId} to ${jobsAddress}`,
        );
      } catch (error) {
        clearTimeout(state.timer);
        jobs.delete(jobId);
        throw error;
      }
      return { jobId };
    },

    results(jobId) {
      const job = jobs.get(jobId);
      const forget = () => {
        if (!job) return;
        clearTimeout(job.timer);
        buffered -= job.frames.length;
        job.frames = [];
        if (jobs.get(jobId) === job) jobs.delete(jobId);
        if (connecting) void connecting.then((c) => topUp(c.replies)).catch(() => undefined);
      };
      return createClusterResultStream(jobId, {
        async next() {
          if (!job) throw new CausewayError('CW_JOB_INVALID', `job ${jobId} was not submitted by this client, or its results were already read`);
          for (;;) {
            const frame = job.frames.shift();
            if (frame) {
              buffered--;
              if (connecting) void connecting.then((c) => topUp(c.replies)).catch(() => undefined);
              if (job.frames.length === 0 && job.assembler.finished) forget();
              return frame;
            }
            if (job.failure) {
              forget();
              throw job.failure;
            }
            if (job.assembler.finished) {
              forget();
              return undefined;
            }
            await new Promise<void>((resolve) => (job.wake = resolve));
            job.wake = undefined;
          }
        },
        runs: () => job?.assembler.runs ?? [],
        async close() {
          if (job && !job.assembler.finished && !job.failure) await client.cancel(jobId).catch(() => undefined);
          forget();
        },
      });
    },

    async run(job) {
      const { jobId } = await client.submit(job);
      return client.results(jobId);
    },

    async cancel(jobId) {
      const job = jobs.get(jobId);
      if (!job || job.cancelled) return;
      job.cancelled = true;
      const connected = await connect();
      // Members that sent results get a cancel now; one that starts later gets it with its first result.
      for (const member of job.members) sendCancel(connected, jobId, member);
    },

    async status() {
      const connected = await connect();
      const members = await readClusterAnnouncements(connected.broker, options.cluster, statusAddress);
      return { cluster: options.cluster, members: members.map(memberStatus) };
    },

    async close() {
      if (closed) return;
      closed = true;
      const shuttingDown = new CausewayError('CW_SHUTTING_DOWN', 'the cluster client was closed');
      for (const job of jobs.values()) fail(job, shuttingDown);
      const pending = connecting;
      connecting = undefined;
      const connected = await pending?.catch(() => undefined);
      await connected?.broker.close(2000);
    },
  };
  return client;
}
