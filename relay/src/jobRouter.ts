import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { corkForTick, createFrameEncoder, readFrameHeader, unpackJobFrame, type RelayMessage } from '@causeway/protocol';
import type { ErrorCode, Logger } from '@causeway/sdk';
import { encodeLengthPrefixed } from './lengthPrefixedFrames.js';

/** How the router reaches a connected gateway. */
export interface GatewayChannel {
  send(message: RelayMessage): void;
}

/** Relay counters, for tests and a status page. */
export interface RelayStats {
  /** Gateways with an authenticated connection. */
  gatewaysConnected: number;
  /** Jobs the relay holds (queued, running, or waiting for their reader). */
  jobs: number;
  /** Frames held now across jobs: received from gateways and not yet confirmed written to a client. */
  bufferedFrames: number;
  /** The most frames one job ever held at once; credit keeps it at or below `creditFrames`. */
  peakBufferedFrames: number;
  /** Frames written to clients. */
  framesForwarded: number;
  /** Frames dropped because they were already forwarded (resends after a reconnect). */
  duplicateFrames: number;
}

interface PendingFrame {
  seq: number;
  chunk: Buffer;
}

interface Job {
  readonly jobId: string;
  readonly gatewayId: string;
  readonly body: Record<string, unknown>;
  /** queued: not yet sent; sent: sent, not accepted; accepted: the gateway holds it. */
  state: 'queued' | 'sent' | 'accepted';
  /** Next sequence number expected from the gateway; all below are held or written. */
  received: number;
  /** Next sequence number to hand to the reader. */
  nextWrite: number;
  /** Frames below this were confirmed written to the reader's response. */
  confirmed: number;
  /** Highest ack sent to the gateway, plus one. */
  acked: number;
  /** Highest credit granted (`untilSeq`). */
  granted: number;
  pending: PendingFrame[];
  reader: ServerResponse | undefined;
  /** Sequence number of the end or error frame, once known. */
  lastSeq: number | undefined;
  /** The relay ended the job itself (offline, cancelled); the gateway's frames no longer count. */
  failed: boolean;
  /** `done` was sent to the gateway. */
  doneSent: boolean;
  flushScheduled: boolean;
  offlineTimer: NodeJS.Timeout | undefined;
  unclaimedTimer: NodeJS.Timeout | undefined;
  /** Sends the reader's headers alone if no frame has come to carry them (see HEADERS_ALONE_AFTER_MS). */
  headersTimer: NodeJS.Timeout | undefined;
}

/**
 * A results response's headers go out with its first frame, one write fewer per query; when no
 * frame has come by this time (a long query) they go alone, so the client knows the job is under
 * way and its HTTP client's header timeout does not run out.
 */
export const HEADERS_ALONE_AFTER_MS = 20;

/** What the router needs to know. */
export interface JobRouterOptions {
  logger: Logger;
  creditFrames: number;
  offlineTimeoutMs: number;
  unclaimedJobTimeoutMs: number;
}

/** The relay's job table: queues jobs per gateway, forwards frames under credit, resumes after reconnects. */
export interface JobRouter {
  /**
   * Adds a job for a gateway and returns its new id (also written into the body). With `reader`
   * (one HTTP exchange submits and reads), the reader is attached before the job goes out, so the
   * gateway gets its first credit with the job instead of after its `accept`.
   */
  submit(gatewayId: string, body: Record<string, unknown>, reader?: ServerResponse): string;
  /** Whether the job is unknown, already has a results reader, or can take one. */
  readerState(jobId: string): 'unknown' | 'attached' | 'free';
  /** Attaches the client's results response (after `readerState` said `free`). */
  attachReader(jobId: string, res: ServerResponse): void;
  /** The client cancels the job; false when the relay does not hold it. */
  cancel(jobId: string): boolean;
  gatewayConnected(gatewayId: string, channel: GatewayChannel): void;
  gatewayDisconnected(gatewayId: string, channel: GatewayChannel): void;
  isConnected(gatewayId: string): boolean;
  onAccept(gatewayId: string, jobId: string): void;
  onFrame(gatewayId: string, message: Buffer): void;
  stats(): RelayStats;
  /** Ends every reader and clears every timer. */
  close(): void;
}

const errorEncoder = createFrameEncoder('json');

/** Creates the relay's job table. */
export function createJobRouter(options: JobRouterOptions): JobRouter {
  const { logger, creditFrames } = options;
  const jobs = new Map<string, Job>();
  const channels = new Map<string, GatewayChannel>();
  const counters = { peakBufferedFrames: 0, framesForwarded: 0, duplicateFrames: 0 };

  const channelOf = (job: Job): GatewayChannel | undefined => channels.get(job.gatewayId);

  const clearTimers = (job: Job): void => {
    clearTimeout(job.offlineTimer);
    clearTimeout(job.unclaimedTimer);
    clearTimeout(job.headersTimer);
    job.offlineTimer = undefined;
    job.unclaimedTimer = undefined;
    job.headersTimer = undefined;
  };

  const forget = (job: Job): void => {
    clearTimers(job);
    job.pending = [];
    if (jobs.get(job.jobId) === job) jobs.delete(job.jobId);
  };

  // Tells the gateway to stop the job and to stop waiting for the relay.
  const release = (job: Job, cancel: boolean): void => {
    if (job.doneSent || job.state === 'queued') return;
    const channel = channelOf(job);
    if (!channel) return;
    if (cancel) channel.send({ type: 'cancel', jobId: job.jobId });
    channel.send({ type: 'done', jobId: job.jobId });
    job.doneSent = true;
  };

  // Credit may go out as soon as the job was sent: the gateway reads messages in order, so it knows
  // the job by the time the credit arrives, and frames still wait for its accept on this side.
  const grant = (job: Job): void => {
    if (!job.reader || job.state === 'queued' || job.lastSeq !== undefined) return;
    const channel = channelOf(job);
    if (!channel) return;
    const untilSeq = job.confirmed + creditFrames;
    if (untilSeq <= job.granted) return;
    job.granted = untilSeq;
    channel.send({ type: 'credit', jobId: job.jobId, untilSeq });
  };

  // Acks and credit go out once per turn of the event loop, not once per frame written.
  const scheduleFlush = (job: Job): void => {
    if (job.flushScheduled) return;
    job.flushScheduled = true;
    setImmediate(() => {
      job.flushScheduled = false;
      if (jobs.get(job.jobId) !== job) return;
      if (job.confirmed > job.acked && !job.failed) {
        job.acked = job.confirmed;
        channelOf(job)?.send({ type: 'ack', jobId: job.jobId, seq: job.confirmed - 1 });
      }
      grant(job);
    });
  };

  const finish = (job: Job): void => {
    if (jobs.get(job.jobId) !== job) return;
    if (!job.failed && job.confirmed > job.acked) {
      job.acked = job.confirmed;
      channelOf(job)?.send({ type: 'ack', jobId: job.jobId, seq: job.confirmed - 1 });
    }
    release(job, false);
    forget(job);
    logger.debug({ jobId: job.jobId, frames: job.confirmed }, 'job delivered');
  };

  const pump = (job: Job): void => {
    const res = job.reader;
    if (!res || job.pending.length === 0) return;
    // The headers (if still held) and every frame ready in this tick leave in one write.
    clearTimeout(job.headersTimer);
    job.headersTimer = undefined;
    corkForTick(res);
    while (job.pending.length > 0) {
      const { seq, chunk } = job.pending.shift()!;
      job.nextWrite = seq + 1;
      const last = seq === job.lastSeq;
      res.write(chunk, (error) => {
        if (error) return;
        job.confirmed = seq + 1;
        counters.framesForwarded++;
        if (last) finish(job);
        else scheduleFlush(job);
      });
      if (last) {
        res.end();
        return;
      }
    }
  };

  const hold = (job: Job, seq: number, frame: Uint8Array, last: boolean): void => {
    job.pending.push({ seq, chunk: encodeLengthPrefixed(frame) });
    job.received = seq + 1;
    if (last) job.lastSeq = seq;
    counters.peakBufferedFrames = Math.max(counters.peakBufferedFrames, job.received - job.confirmed);
  };

  // Ends the job with an error frame of the relay's own, in sequence after what the reader already has.
  const fail = (job: Job, code: ErrorCode, message: string): void => {
    if (job.lastSeq !== undefined) return;
    logger.info({ jobId: job.jobId, gatewayId: job.gatewayId, code }, message);
    clearTimeout(job.offlineTimer);
    job.offlineTimer = undefined;
    job.pending = [];
    job.failed = true;
    hold(job, job.nextWrite, errorEncoder.error(job.nextWrite, { code, message }), true);
    release(job, true);
    pump(job);
  };

  const startOfflineTimer = (job: Job): void => {
    if (job.offlineTimer || job.lastSeq !== undefined) return;
    job.offlineTimer = setTimeout(() => {
      job.offlineTimer = undefined;
      fail(job, 'CW_GATEWAY_OFFLINE', `gateway "${job.gatewayId}" was not connected to the relay for ${options.offlineTimeoutMs} ms`);
    }, options.offlineTimeoutMs);
    job.offlineTimer.unref();
  };

  const dispatch = (job: Job, channel: GatewayChannel): void => {
    job.state = 'sent';
    channel.send({ type: 'job', jobId: job.jobId, body: job.body });
    // A reader is already waiting: the first window goes with the job, saving the accept -> credit
    // round trip. Sent again on a re-dispatch, since a new connection may reach a new gateway process.
    if (job.reader && job.lastSeq === undefined) {
      job.granted = Math.max(job.granted, job.confirmed + creditFrames);
      channel.send({ type: 'credit', jobId: job.jobId, untilSeq: job.granted });
    }
  };

  const attach = (job: Job, res: ServerResponse): void => {
    job.reader = res;
    clearTimeout(job.unclaimedTimer);
    job.unclaimedTimer = undefined;
    // The caller writes the head right after attaching; it is sent with the first frame (pump) or alone after a while.
    job.headersTimer = setTimeout(() => {
      job.headersTimer = undefined;
      if (!res.writableEnded && !res.destroyed) res.flushHeaders();
    }, HEADERS_ALONE_AFTER_MS);
    job.headersTimer.unref();
    res.on('close', () => {
      if (jobs.get(job.jobId) !== job) return;
      if (job.nextWrite > (job.lastSeq ?? Infinity)) {
        // The last frame was handed over; the gateway has nothing more to give.
        release(job, false);
      } else {
        logger.info({ jobId: job.jobId, gatewayId: job.gatewayId }, 'the client closed the results stream early; cancelling the job');
        release(job, true);
      }
      forget(job);
    });
  };

  const jobsOf = (gatewayId: string): Job[] => [...jobs.values()].filter((job) => job.gatewayId === gatewayId);

  return {
    submit(gatewayId, body, reader) {
      const jobId = randomBytes(16).toString('base64url');
      const job: Job = {
        jobId,
        gatewayId,
        body: { ...body, jobId },
        state: 'queued',
        received: 0,
        nextWrite: 0,
        confirmed: 0,
        acked: 0,
        granted: 0,
        pending: [],
        reader: undefined,
        lastSeq: undefined,
        failed: false,
        doneSent: false,
        flushScheduled: false,
        offlineTimer: undefined,
        unclaimedTimer: undefined,
        headersTimer: undefined,
      };
      jobs.set(jobId, job);
      if (reader) attach(job, reader);
      else {
        // A job nobody comes to read would otherwise stay forever.
        job.unclaimedTimer = setTimeout(() => {
          logger.info({ jobId, gatewayId }, `no client read job ${jobId} within ${options.unclaimedJobTimeoutMs} ms; dropping it`);
          release(job, true);
          forget(job);
        }, options.unclaimedJobTimeoutMs);
        job.unclaimedTimer.unref();
      }
      const channel = channels.get(gatewayId);
      if (channel) dispatch(job, channel);
      else startOfflineTimer(job);
      logger.debug({ jobId, gatewayId, queued: !channel }, 'job submitted');
      return jobId;
    },

    readerState(jobId) {
      const job = jobs.get(jobId);
      return !job ? 'unknown' : job.reader ? 'attached' : 'free';
    },

    attachReader(jobId, res) {
      const job = jobs.get(jobId);
      if (!job || job.reader) return;
      attach(job, res);
      grant(job);
      pump(job);
    },

    cancel(jobId) {
      const job = jobs.get(jobId);
      if (!job) return false;
      fail(job, 'CW_JOB_CANCELLED', `job ${jobId} was cancelled by the client`);
      return true;
    },

    gatewayConnected(gatewayId, channel) {
      channels.set(gatewayId, channel);
      for (const job of jobsOf(gatewayId)) {
        clearTimeout(job.offlineTimer);
        job.offlineTimer = undefined;
        if (job.failed) continue;
        if (job.state === 'accepted') {
          // The relay keeps what it received, so the gateway resumes after the last frame held here.
          channel.send({ type: 'resume', jobId: job.jobId, nextSeq: job.received });
          if (job.reader && job.lastSeq === undefined) {
            job.granted = Math.max(job.granted, job.confirmed + creditFrames);
            channel.send({ type: 'credit', jobId: job.jobId, untilSeq: job.granted });
          }
        } else {
          dispatch(job, channel);
        }
      }
    },

    gatewayDisconnected(gatewayId, channel) {
      if (channels.get(gatewayId) !== channel) return;
      channels.delete(gatewayId);
      for (const job of jobsOf(gatewayId)) startOfflineTimer(job);
    },

    isConnected: (gatewayId) => channels.has(gatewayId),

    onAccept(gatewayId, jobId) {
      const job = jobs.get(jobId);
      const channel = channels.get(gatewayId);
      if (!channel) return;
      if (!job || job.gatewayId !== gatewayId || job.failed) {
        // The relay gave up on the job (or finished it) while the gateway was away: let it go.
        logger.debug({ gatewayId, jobId }, 'accept for a job the relay no longer runs; releasing it');
        channel.send({ type: 'cancel', jobId });
        channel.send({ type: 'done', jobId });
        if (job && job.gatewayId === gatewayId) job.doneSent = true;
        return;
      }
      if (job.state === 'accepted') return;
      job.state = 'accepted';
      grant(job);
    },

    onFrame(gatewayId, message) {
      let jobId: string;
      let frame: Uint8Array;
      let header;
      try {
        ({ jobId, frame } = unpackJobFrame(message));
        header = readFrameHeader(frame);
      } catch (error) {
        logger.warn({ gatewayId, problem: (error as Error).message }, 'ignored a malformed frame message');
        return;
      }
      const job = jobs.get(jobId);
      if (!job || job.gatewayId !== gatewayId) {
        logger.debug({ gatewayId, jobId, seq: header.seq }, 'ignored a frame for an unknown job');
        return;
      }
      if (job.failed || header.seq < job.received) {
        counters.duplicateFrames++;
        return;
      }
      if (job.state !== 'accepted') {
        logger.warn({ gatewayId, jobId, seq: header.seq }, 'ignored a frame for a job the gateway has not accepted');
        return;
      }
      if (header.seq > job.received) {
        logger.warn({ gatewayId, jobId, seq: header.seq, expected: job.received }, 'ignored a frame out of sequence');
        return;
      }
      if (header.seq >= job.granted) {
        logger.warn({ gatewayId, jobId, seq: header.seq, untilSeq: job.granted }, 'ignored a frame sent beyond its credit');
        return;
      }
      hold(job, header.seq, frame, header.type === 'end' || header.type === 'error');
      pump(job);
    },

    stats() {
      let bufferedFrames = 0;
      for (const job of jobs.values()) bufferedFrames += job.received - job.confirmed;
      return { gatewaysConnected: channels.size, jobs: jobs.size, bufferedFrames, ...counters };
    },

    close() {
      for (const job of jobs.values()) {
        clearTimers(job);
        job.reader?.destroy();
      }
      jobs.clear();
      channels.clear();
    },
  };
}
