import { readFrameHeader } from '@causeway/protocol';
import { CausewayError, type FrameSource, type JobDelivery, type Logger } from '@causeway/sdk';
import { setMaxListeners } from 'node:events';
import { type AwaitableSender, type Delivery, SenderEvents } from 'rhea-promise';
import { describeBrokerError } from './brokerError.js';
import { splitFrame } from './resultMessages.js';

/** One job a member holds: the delivery the host answers, and the broker delivery it settles. */
export interface MemberJob {
  /** What the host receives in `onJob`. */
  readonly delivery: JobDelivery;
  /** True once the job message was settled (its results are all with the broker). */
  readonly settled: boolean;
  /** The broker connection was lost: the job message returns to the queue by itself; stop and answer nothing. */
  revoke(reason: CausewayError): void;
  /** The member is leaving: stop, and give the job back to the queue at once for another member. */
  handBack(reason: CausewayError): void;
}

/** What a member job needs from its member. */
export interface MemberJobOptions {
  jobId: string;
  body: unknown;
  replyTo: string;
  replyToGroupId: string | undefined;
  /** The broker's delivery of the job message. */
  brokerDelivery: Delivery;
  memberId: string;
  /** This run's id; result messages carry it. */
  runId: string;
  logger: Logger;
  maxMessageBytes: number;
  sendWindow: number;
  sendTimeoutMs: number;
  /** The (cached) sender to a reply address on the current connection. */
  replySender(address: string): Promise<{ sender: AwaitableSender; release(): void }>;
  /** The job message was accepted; `outcome` is the terminal frame's type. */
  onSettled(outcome: 'ok' | 'error'): void;
  /** The results could not be delivered although nothing revoked the job; the member decides (retry or dead-letter). */
  onDeliveryFailed(error: CausewayError): void;
}

function waitForCredit(sender: AwaitableSender, signal: AbortSignal): Promise<void> {
  if (sender.sendable()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearInterval(poll);
      signal.removeEventListener('abort', onAbort);
      sender.removeListener(SenderEvents.sendable, onSendable);
    };
    const onSendable = () => {
      if (!sender.sendable()) return;
      done();
      resolve();
    };
    const onAbort = () => {
      done();
      reject(signal.reason as Error);
    };
    // The broker grants credit with a flow frame; rhea says so with `sendable`. The poll covers a
    // session window that opens without a link event.
    const poll = setInterval(onSendable, 50);
    sender.on(SenderEvents.sendable, onSendable);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Creates the member side of one job. `respond` reads the host's frames from 0, splits each into
 * result messages that fit the broker's limit, and sends them to the job's reply address as the
 * broker grants credit, with at most `sendWindow` unsettled. A frame is acknowledged to the host
 * (its spool frees it) once the broker accepted all its parts; the job message is accepted only
 * after the terminal frame was, so a member that dies or loses the broker first leaves the job
 * unsettled and the broker redelivers it.
 */
export function createMemberJob(options: MemberJobOptions): MemberJob {
  const { jobId, logger } = options;
  const revoke = new AbortController();
  // Each send in the window listens for the revocation.
  setMaxListeners(0, revoke.signal);
  let settled = false;
  let responding = false;

  const deliverResults = async (source: FrameSource): Promise<'ok' | 'error'> => {
    const signal = revoke.signal;
    let lease: { sender: AwaitableSender; release(): void };
    try {
      lease = await options.replySender(options.replyTo);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new CausewayError('CW_RELAY_UNREACHABLE', `could not attach to reply address ${options.replyTo} of job ${jobId}: ${describeBrokerError(error)}`, { cause: error });
    }
    const { sender } = lease;
    const route = { jobId, runId: options.runId, memberId: options.memberId, groupId: options.replyToGroupId };
    const inflight: Array<{ sent: Promise<unknown>; ackSeq: number | undefined }> = [];
    const settleOldest = async () => {
      const head = inflight.shift()!;
      await head.sent;
      if (head.ackSeq !== undefined) await source.acknowledge(head.ackSeq);
    };
    let outcome: 'ok' | 'error' | undefined;
    try {
      for await (const frame of source.read(0, signal)) {
        const parts = splitFrame(route, frame.seq, frame.data, options.maxMessageBytes);
        for (let i = 0; i < parts.length; i++) {
          await waitForCredit(sender, signal);
          const sent = sender.send(parts[i]!, { timeoutInSeconds: Math.ceil(options.sendTimeoutMs / 1000), abortSignal: signal });
          sent.catch(() => undefined);
          inflight.push({ sent, ackSeq: i === parts.length - 1 ? frame.seq : undefined });
          while (inflight.length >= options.sendWindow) await settleOldest();
        }
        const { type } = readFrameHeader(frame.data);
        if (type === 'end' || type === 'error') {
          outcome = type === 'end' ? 'ok' : 'error';
          break;
        }
      }
      while (inflight.length > 0) await settleOldest();
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new CausewayError('CW_RELAY_UNREACHABLE', `the broker did not take the results of job ${jobId} for ${options.replyTo}: ${describeBrokerError(error)}`, { cause: error });
    } finally {
      lease.release();
    }
    if (signal.aborted) throw signal.reason;
    if (!outcome) throw new CausewayError('CW_INTERNAL', `the results of job ${jobId} ended without an end or error frame`);
    return outcome;
  };

  const delivery: JobDelivery = {
    jobId,
    body: options.body,
    revoked: revoke.signal,
    async respond(results) {
      if (responding) throw new CausewayError('CW_INTERNAL', `respond() was called twice for job ${jobId}`);
      responding = true;
      if (revoke.signal.aborted) throw revoke.signal.reason;
      let outcome: 'ok' | 'error';
      try {
        outcome = await deliverResults(results);
      } catch (error) {
        if (revoke.signal.aborted) throw revoke.signal.reason;
        const failure = error instanceof CausewayError ? error : new CausewayError('CW_INTERNAL', `delivering job ${jobId} failed`, { cause: error });
        logger.warn({ jobId, err: failure.message }, 'job results could not be delivered');
        // The host stops the job; the member sends it back to the queue or dead-letters it.
        revoke.abort(failure);
        options.onDeliveryFailed(failure);
        throw failure;
      }
      options.brokerDelivery.accept();
      settled = true;
      options.onSettled(outcome);
    },
  };

  return {
    delivery,
    get settled() {
      return settled;
    },
    revoke(reason) {
      if (settled || revoke.signal.aborted) return;
      revoke.abort(reason);
    },
    handBack(reason) {
      if (settled || revoke.signal.aborted) return;
      revoke.abort(reason);
      try {
        options.brokerDelivery.release();
      } catch (error) {
        logger.debug({ jobId, err: (error as Error).message }, 'could not release the job message; the broker returns it when the connection closes');
      }
    },
  };
}
