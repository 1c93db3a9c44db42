import { CausewayError, type Logger, type RelayHandler, type RelayLink, type RelaySession, type RelayState } from '@causeway/sdk';
import { randomBytes } from 'node:crypto';
import { type AwaitableSender, type Delivery, type EventContext, type Message, type Receiver, ReceiverEvents, SenderEvents } from 'rhea-promise';
import type { AmqpEndpoint } from './amqpEndpoint.js';
import { backoffDelay } from './backoffDelay.js';
import { describeBrokerError } from './brokerError.js';
import { createMemberJob, type MemberJob } from './createMemberJob.js';
import { createSenderCache, type SenderCache } from './createSenderCache.js';
import { deadLetterJobMessage, readJobMessage, retryJobMessage } from './jobMessage.js';
import { announcementMessage, type MemberAnnouncement } from './memberAnnouncement.js';
import { messageBodyBytes } from './messageBody.js';
import { openBrokerConnection, type BrokerConnection } from './openBrokerConnection.js';
import { expandAddress, type AmqpTransportSettings } from './readAmqpSettings.js';
import { readClusterAnnouncements } from './readClusterStatus.js';

/** What a cluster member needs to run. */
export interface ClusterMemberOptions {
  settings: AmqpTransportSettings;
  /** Where to connect, secrets resolved. */
  endpoint: AmqpEndpoint;
  logger: Logger;
  session: RelaySession;
  handler: RelayHandler;
  /** The amqp plugin's version, announced with the host's. */
  transportVersion: string;
  /** Randomness for the reconnect jitter (tests pass a fixed one). */
  random?: () => number;
}

/** One connection's links; replaced as a whole after a reconnect. */
interface Attached {
  broker: BrokerConnection;
  generation: number;
  jobs: Receiver;
  status: AwaitableSender;
  control: Receiver;
  senders: SenderCache;
}

/**
 * Joins the cluster and keeps the member in it until `close()`. Resolves once the first connection
 * is up and consuming. The first attempt is not retried: a refused login rejects with
 * `CW_RELAY_AUTH_FAILED`, an unreachable broker with `CW_RELAY_UNREACHABLE`, and a member whose keys
 * differ from those the cluster's members announce with `CW_CLUSTER_KEY_MISMATCH`. Later losses
 * reconnect with backoff; jobs held at the loss are revoked (the broker redelivers them) and jobs
 * queued meanwhile wait on the broker.
 */
export async function openClusterMember(options: ClusterMemberOptions): Promise<RelayLink> {
  const { settings, session, handler, logger } = options;
  const memberId = session.gatewayId;
  const cluster = settings.cluster;
  const controlAddress = expandAddress(settings.addresses.control, { cluster, member: memberId });
  const startedAt = new Date().toISOString();
  const jobs = new Map<string, MemberJob>();
  const stats = { done: 0, failed: 0 };
  let current: Attached | undefined;
  let generation = 0;
  let closed = false;
  let attempt = 0;
  let forwarding = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let statusTimer: NodeJS.Timeout | undefined;

  const state = (name: RelayState, detail?: { error?: Error; attempt?: number; delayMs?: number }): void => {
    try {
      handler.onState?.(name, detail);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'the relay state handler threw');
    }
  };

  const keyMismatch = (detail: string) =>
    new CausewayError(
      'CW_CLUSTER_KEY_MISMATCH',
      `gateway "${memberId}" holds key ${session.keyId} and cannot join cluster "${cluster}": ${detail}. Every member of a cluster opens the same key file (copy the cluster's keys.json and open it with the cluster's recovery key)`,
    );

  const announcement = (health?: MemberAnnouncement['health']): MemberAnnouncement => ({
    type: 'causeway-member',
    v: 1,
    cluster,
    memberId,
    version: session.hostVersion,
    transportVersion: options.transportVersion,
    keyId: session.keyId,
    publicKey: session.publicKey,
    capacity: session.capacity,
    jobsInFlight: jobs.size,
    health: health ?? (session.freeCapacity() === 0 ? 'busy' : 'ok'),
    startedAt,
    lastSeen: new Date().toISOString(),
    jobsDone: stats.done,
    jobsFailed: stats.failed,
    ttlMs: settings.statusIntervalMs * 3,
  });

  const announce = async (health?: MemberAnnouncement['health']): Promise<void> => {
    const status = current?.status;
    if (!status?.sendable()) return;
    try {
      await status.send(announcementMessage(announcement(health)), { timeoutInSeconds: Math.ceil(settings.sendTimeoutMs / 1000) });
    } catch (error) {
      logger.debug({ err: describeBrokerError(error) }, 'status announcement not sent');
    }
  };

  /**
   * Credit on the job queue: as many jobs as the host has free slots, less what this member already
   * holds. Credit is granted only once the last grant is used up: RabbitMQ 3.x sets a queue's credit
   * from each flow without counting messages already on their way to the link, so topping up a
   * grant that is still open lets it deliver more than was granted.
   */
  const grantCredit = (): void => {
    const receiver = current?.jobs;
    if (!receiver || closed || receiver.credit > 0) return;
    const want = Math.min(session.freeCapacity(), session.capacity - jobs.size - forwarding);
    if (want > 0) receiver.addCredit(want);
  };

  const settle = (delivery: Delivery, how: 'accept' | 'release'): void => {
    try {
      if (how === 'accept') delivery.accept();
      else delivery.release();
    } catch (error) {
      logger.debug({ err: (error as Error).message }, `could not ${how} a job message; the broker returns it when the connection closes`);
    }
  };

  /**
   * A job this member cannot run or answer: sent back to the queue with the attempt counted (another
   * member may be able to), or, at `maxAttempts`, dead-lettered with its error. The original is
   * accepted only once the copy is with the broker; if that fails it is released, and the broker's
   * own delivery limit is what bounds it.
   */
  const failAttempt = async (attached: Attached, message: Message, delivery: Delivery, before: number, error: CausewayError): Promise<void> => {
    forwarding++;
    const attempts = before + 1;
    const jobId = typeof message.message_id === 'string' ? message.message_id : undefined;
    try {
      if (attempts < settings.maxAttempts) {
        const lease = await attached.senders.lease(settings.addresses.jobs, { durable: true });
        try {
          await lease.sender.send(retryJobMessage(message, attempts, error), { timeoutInSeconds: Math.ceil(settings.sendTimeoutMs / 1000) });
        } finally {
          lease.release();
        }
        settle(delivery, 'accept');
        logger.warn({ jobId, attempts, maxAttempts: settings.maxAttempts, code: error.code, err: error.message }, 'job attempt failed; sent back to the job queue');
      } else if (settings.deadLetterMode === 'reject') {
        delivery.reject({ condition: `causeway:${error.code}`, description: `${error.message} (after ${attempts} attempts)` });
        logger.error({ jobId, attempts, code: error.code, err: error.message }, 'job dead-lettered (rejected to the broker)');
      } else {
        const lease = await attached.senders.lease(settings.addresses.deadLetter, { durable: true });
        try {
          await lease.sender.send(deadLetterJobMessage(message, attempts, error, memberId, new Date()), { timeoutInSeconds: Math.ceil(settings.sendTimeoutMs / 1000) });
        } finally {
          lease.release();
        }
        settle(delivery, 'accept');
        logger.error({ jobId, attempts, code: error.code, err: error.message, deadLetter: settings.addresses.deadLetter }, 'job dead-lettered');
      }
    } catch (failure) {
      logger.warn({ jobId, err: describeBrokerError(failure) }, 'could not forward a failed job; released to the broker');
      settle(delivery, 'release');
    } finally {
      forwarding--;
      grantCredit();
    }
  };

  const onJobMessage = (attached: Attached, context: EventContext): void => {
    const message = context.message;
    const delivery = context.delivery;
    if (!message || !delivery) return;
    if (closed || attached.generation !== generation) {
      settle(delivery, 'release');
      return;
    }
    const read = readJobMessage(message);
    if (!read.ok) {
      void failAttempt(attached, message, delivery, read.attempts, read.error);
      return;
    }
    if (jobs.has(read.jobId)) {
      // A second copy of a job this member runs now: the running one answers the client.
      logger.warn({ jobId: read.jobId }, 'a second copy of a running job was dropped');
      settle(delivery, 'accept');
      grantCredit();
      return;
    }
    const runId = randomBytes(9).toString('base64url');
    const job = createMemberJob({
      jobId: read.jobId,
      body: read.body,
      replyTo: read.replyTo,
      replyToGroupId: read.replyToGroupId,
      brokerDelivery: delivery,
      memberId,
      runId,
      logger,
      maxMessageBytes: settings.maxMessageBytes,
      sendWindow: settings.sendWindow,
      sendTimeoutMs: settings.sendTimeoutMs,
      replySender: (address) => attached.senders.lease(address),
      onSettled(outcome) {
        if (jobs.get(read.jobId) === job) jobs.delete(read.jobId);
        if (outcome === 'ok') stats.done++;
        else stats.failed++;
        grantCredit();
      },
      onDeliveryFailed(error) {
        if (jobs.get(read.jobId) === job) jobs.delete(read.jobId);
        // A failure caused by the connection going away is the connection's business: the broker redelivers.
        setTimeout(() => {
          if (closed || attached.generation !== generation || attached.broker.lost.aborted) return;
          void failAttempt(attached, message, delivery, read.attempts, error);
        }, 50);
      },
    });
    jobs.set(read.jobId, job);
    if (jobs.size + forwarding > session.capacity) logger.warn({ jobId: read.jobId, held: jobs.size, capacity: session.capacity }, 'the broker delivered a job beyond the credit granted; it waits for a slot');
    logger.debug({ jobId: read.jobId, runId, attempts: read.attempts, redelivered: message.first_acquirer === false }, 'job received');
    try {
      handler.onJob(job.delivery);
    } catch (error) {
      logger.error({ jobId: read.jobId, err: (error as Error).message }, 'the job handler threw');
    }
  };

  const onControlMessage = (message: Message | undefined): void => {
    let doc: { type?: unknown; jobId?: unknown };
    try {
      doc = JSON.parse(messageBodyBytes(message?.body)?.toString('utf8') ?? '') as typeof doc;
    } catch {
      logger.warn('ignored a malformed control message');
      return;
    }
    if (doc.type === 'cancel' && typeof doc.jobId === 'string' && jobs.has(doc.jobId)) {
      try {
        handler.onCancel(doc.jobId);
      } catch (error) {
        logger.error({ jobId: doc.jobId, err: (error as Error).message }, 'the cancel handler threw');
      }
    }
  };

  const lose = (attached: Attached, reason: Error): void => {
    if (current !== attached) return;
    current = undefined;
    clearInterval(statusTimer);
    void attached.broker.close(500);
    const revoked = new CausewayError('CW_RELAY_UNREACHABLE', 'the connection to the broker was lost before the results were all delivered; the broker hands the job to a connected member');
    for (const job of jobs.values()) job.revoke(revoked);
    jobs.clear();
    if (closed) return;
    scheduleReconnect(reason);
  };

  /** One connection: join check, then the status sender, the control and job receivers. */
  const dial = async (progress: { opened: boolean } = { opened: false }): Promise<void> => {
    if (settings.clusterKeyId !== undefined && settings.clusterKeyId !== session.keyId) {
      throw keyMismatch(`the cluster's key id is ${settings.clusterKeyId} (clusterKeyId in the transport settings)`);
    }
    const broker = await openBrokerConnection(options.endpoint, { containerId: `causeway-${memberId}-${randomBytes(4).toString('hex')}` });
    progress.opened = true;
    try {
      const others = (await readClusterAnnouncements(broker, cluster, settings.addresses.status, settings.connectTimeoutMs)).filter((a) => a.memberId !== memberId && a.health !== 'stopping');
      const stranger = others.find((a) => a.keyId !== session.keyId);
      if (stranger) throw keyMismatch(`member "${stranger.memberId}" of the cluster holds key ${stranger.keyId}`);
      const status = await broker.guard(broker.connection.createAwaitableSender({ target: { address: settings.addresses.status, durable: 0 } }), `attaching to ${settings.addresses.status}`);
      const control = await broker.guard(broker.connection.createReceiver({ source: { address: controlAddress, durable: 0 }, credit_window: 16, autoaccept: true }), `attaching to ${controlAddress}`);
      const receiver = await broker.guard(
        broker.connection.createReceiver({ source: { address: settings.addresses.jobs, durable: 2 }, credit_window: 0, autoaccept: false }),
        `attaching to ${settings.addresses.jobs}`,
      );
      const attached: Attached = { broker, generation: ++generation, jobs: receiver, status, control, senders: createSenderCache(broker) };
      const linkLost = (what: string) => (context: EventContext) => lose(attached, new CausewayError('CW_RELAY_UNREACHABLE', `the broker closed the ${what}: ${describeBrokerError(context.receiver?.error ?? context.sender?.error ?? context.session?.error)}`));
      receiver.on(ReceiverEvents.message, (context) => onJobMessage(attached, context));
      receiver.on(ReceiverEvents.receiverClose, linkLost(`job queue link (${settings.addresses.jobs})`));
      receiver.on(ReceiverEvents.receiverError, linkLost(`job queue link (${settings.addresses.jobs})`));
      control.on(ReceiverEvents.message, (context) => onControlMessage(context.message));
      control.on(ReceiverEvents.receiverClose, linkLost('control link'));
      status.on(SenderEvents.senderClose, linkLost('status link'));
      broker.lost.addEventListener('abort', () => lose(attached, broker.lost.reason as Error), { once: true });
      if (settings.deadLetterMode === 'forward') {
        // Attaching declares the dead-letter queue (durable), so the broker's own dead-lettering has a target too.
        (await attached.senders.lease(settings.addresses.deadLetter, { durable: true })).release();
      }
      current = attached;
      if (others.some((a) => a.memberId === memberId)) logger.warn({ memberId }, 'another live member announces the same member id; give each member its own gatewayId');
      void announce();
      statusTimer = setInterval(() => void announce(), settings.statusIntervalMs);
      statusTimer.unref();
      grantCredit();
      logger.info({ broker: broker.where, cluster, memberId, jobs: settings.addresses.jobs, members: others.length + 1 }, 'joined the cluster');
    } catch (error) {
      await broker.close(500);
      throw error;
    }
  };

  const scheduleReconnect = (error: Error): void => {
    attempt++;
    const delayMs = backoffDelay(attempt, settings.reconnect, options.random);
    logger.warn({ err: error.message, attempt, delayMs }, 'broker connection lost; reconnecting');
    state('reconnecting', { error, attempt, delayMs });
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (closed) return;
      state('connecting', { attempt });
      dial().then(
        () => {
          if (closed) return;
          attempt = 0;
          state('connected');
        },
        (failure: Error) => {
          if (!closed) scheduleReconnect(failure);
        },
      );
    }, delayMs);
  };

  const unsubscribe = session.onCapacityFreed(grantCredit);
  state('connecting', { attempt: 0 });
  try {
    for (let tries = 1; ; tries++) {
      const progress = { opened: false };
      try {
        await dial(progress);
        break;
      } catch (error) {
        // The broker took the login but failed a link: members that start together race to declare the
        // job queue, and RabbitMQ 3.x drops the connection of a consumer that attaches to a quorum queue
        // still being created. That is worth another try; a refusal or an unreachable broker is not.
        const transient = progress.opened && error instanceof CausewayError && error.code === 'CW_RELAY_UNREACHABLE' && tries < 4;
        if (!transient) throw error;
        const delayMs = backoffDelay(tries, settings.reconnect, options.random);
        logger.warn({ err: error.message, tries, delayMs }, 'joining the cluster failed after the broker accepted the connection; trying again');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  } catch (error) {
    closed = true;
    unsubscribe();
    state('closed', { error: error as Error });
    throw error;
  }
  state('connected');

  return {
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearTimeout(reconnectTimer);
      clearInterval(statusTimer);
      // Synchronously, before anything awaits: jobs not answered yet go back to the queue, so their
      // clients get them from another member rather than a shutdown error from this one.
      const leaving = new CausewayError('CW_SHUTTING_DOWN', 'the member left the cluster before the results were all delivered; another member runs the job');
      for (const job of jobs.values()) job.handBack(leaving);
      jobs.clear();
      const attached = current;
      current = undefined;
      if (attached) {
        await Promise.race([
          (async () => {
            const status = attached.status;
            if (status.sendable()) await status.send(announcementMessage(announcement('stopping')), { timeoutInSeconds: 2 }).catch(() => undefined);
          })(),
          new Promise((resolve) => setTimeout(resolve, 2000).unref()),
        ]);
        await attached.broker.close(2000);
      }
      logger.info({ cluster, memberId }, 'left the cluster');
      state('closed');
    },
  };
}
