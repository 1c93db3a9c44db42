import { fromJobParameter, createFrameEncoder, type ResultSummary } from '@causeway/protocol';
import { CausewayError, identitySecrets, type Clock, type JobDelivery, type Logger, type SpooledFrame, type Spooler } from '@causeway/sdk';
import type { CredentialVault } from '../credentials/credentialVault.js';
import type { DataSourceRegistry } from '../datasources/dataSourceRegistry.js';
import type { PluginRuntime } from '../plugins/pluginRuntime.js';
import { authenticate } from './authenticate.js';
import { createJobFrameSource } from './jobFrameSource.js';
import { createFrameSizer } from './createFrameSizer.js';
import { createSmallResultSpool } from './createSmallResultSpool.js';
import { parseJob } from './parseJob.js';
import { secretStrings, toFrameError } from './toFrameError.js';

/** Results up to this size stay in memory; larger ones go to the configured spooler (see createSmallResultSpool). */
const SMALL_RESULT_BYTES = 64 * 1024;

/**
 * Frames handed to the spool before the oldest of them is written: the producer encodes the next
 * frames while the spool writes, and a spool that groups writes (the disk spooler) writes them
 * together. Bounds the frames held in memory on their way to the spool.
 */
const APPENDS_IN_FLIGHT = 8;

/** Row frames aim at this size (see createFrameSizer): large enough that per-frame costs stay small, small enough to keep frame-sized buffers cheap. */
const FRAME_TARGET_BYTES = 128 * 1024;

/** What the host lends the pipeline. */
export interface JobServices {
  plugins: PluginRuntime;
  dataSources: DataSourceRegistry;
  vault: CredentialVault;
  spooler: Spooler;
  authSettings: Record<string, { auth: Record<string, unknown> }>;
  limits: { queryTimeoutMs: number; maxResultBytes: number; batchRows: number };
  spoolMode: 'stream' | 'spool';
  logger: Logger;
  clock: Clock;
}

/** The outcome of one job, as the host reports it in events and the execution log. */
export interface JobReport {
  jobId: string;
  dataSource: string | undefined;
  outcome: 'ok' | string;
  rows: number;
  bytes: number;
  frames: number;
  timings: Record<string, number>;
}

/**
 * Runs one relay job: validate, decrypt, authenticate, execute, spool frames and hand them to the
 * transport, which resends from the spool after a dropped connection. Never throws: every failure
 * becomes the job's error frame, so one bad job cannot hurt the others.
 */
export async function runJob(services: JobServices, delivery: JobDelivery, control: { signal: AbortSignal; queuedAt: number }): Promise<JobReport> {
  const { clock, logger } = services;
  const started = clock.now();
  const timings: Record<string, number> = { queueMs: started - control.queuedAt };
  const report: JobReport = { jobId: delivery.jobId, dataSource: undefined, outcome: 'ok', rows: 0, bytes: 0, frames: 0, timings };
  const log = logger.child({ jobId: delivery.jobId });
  let secrets: string[] = [];

  const spool = createSmallResultSpool(() => services.spooler.open(delivery.jobId), SMALL_RESULT_BYTES);
  const source = createJobFrameSource(spool);
  // Appends in flight, oldest first (see APPENDS_IN_FLIGHT); a failed one fails the job when awaited.
  const appending: Promise<void>[] = [];
  const append = async (frame: SpooledFrame): Promise<void> => {
    const written = spool.append(frame);
    written.catch(() => undefined);
    appending.push(written);
    if (appending.length >= APPENDS_IN_FLIGHT) await appending.shift();
  };
  let seq = 0;
  let encoder = createFrameEncoder('msgpack');
  const sizer = createFrameSizer(FRAME_TARGET_BYTES);
  let delivered: Promise<void> | undefined;
  const deliver = () => {
    if (!delivered) {
      delivered = delivery.respond(source);
      // Observed now so an early rejection (link closed mid-job) is not unhandled; awaited below.
      delivered.catch(() => undefined);
    }
    return delivered;
  };

  // Abort on deadline as well as on cancel; the reason tells the connector which one it was.
  // A job cancelled while it waited for a slot arrives with its signal already aborted; no event follows.
  const local = new AbortController();
  const onAbort = () => local.abort(control.signal.reason);
  if (control.signal.aborted) onAbort();
  else control.signal.addEventListener('abort', onAbort, { once: true });
  let deadlineTimer: NodeJS.Timeout | undefined;

  try {
    const job = parseJob(delivery.body, delivery.jobId);
    report.dataSource = job.dataSource;
    encoder = createFrameEncoder(job.options?.encoding ?? 'msgpack');
    const timeoutMs = Math.min(job.options?.timeoutMs ?? services.limits.queryTimeoutMs, services.limits.queryTimeoutMs);
    const deadline = started + timeoutMs;
    deadlineTimer = setTimeout(() => local.abort(new CausewayError('CW_QUERY_TIMEOUT', `the job ran past its ${timeoutMs} ms deadline`)), timeoutMs);
    if ((job.options?.mode ?? services.spoolMode) === 'stream') deliver();
    throwIfAborted(local.signal);

    const ds = services.dataSources.config(job.dataSource);
    const authSettings = services.authSettings[job.dataSource]?.auth ?? {};
    let t = clock.now();
    const useJobCredential = job.credentials !== undefined && authSettings.allowJobCredentials !== false;
    const secret = useJobCredential ? services.vault.openJobCredential(job.credentials) : services.vault.openStored(job.dataSource);
    secrets = secretStrings(secret);
    const identity = await authenticate({
      plugins: services.plugins,
      dataSourceId: job.dataSource,
      connectorId: ds.connector,
      providerId: ds.auth.provider,
      settings: authSettings,
      identity: job.identity ?? {},
      secret,
      signal: local.signal,
    });
    secrets.push(...identitySecrets(identity));
    timings.authMs = clock.now() - t;

    t = clock.now();
    const handle = await services.dataSources.handle(job.dataSource);
    timings.openMs = clock.now() - t;
    throwIfAborted(local.signal);

    t = clock.now();
    const request = {
      text: job.query.text,
      parameters: (job.query.parameters ?? []).map(fromJobParameter),
      signal: local.signal,
      deadline,
      batchRows: job.options?.batchRows ?? services.limits.batchRows,
    };
    for await (const part of handle.execute(request, identity)) {
      throwIfAborted(local.signal);
      if (part.kind === 'schema') {
        const frame = encoder.schema(seq, part.columns);
        await append({ seq, data: frame });
        seq++;
        timings.firstSchemaMs = clock.now() - t;
        continue;
      }
      if (seq === 0) throw new CausewayError('CW_INTERNAL', `connector "${ds.connector}" yielded rows before a schema`);
      // A connector's batch becomes one or more frames near FRAME_TARGET_BYTES each.
      for (let from = 0; from < part.rows.length; ) {
        const count = sizer.next(part.rows.length - from);
        const rows = from === 0 && count === part.rows.length ? part.rows : part.rows.slice(from, from + count);
        from += count;
        const frame = encoder.rows(seq, rows);
        sizer.observe(count, frame.byteLength);
        report.rows += count;
        report.bytes += frame.byteLength;
        if (report.bytes > services.limits.maxResultBytes) {
          throw new CausewayError('CW_RESULT_TOO_LARGE', `the result passed the gateway's maximum of ${services.limits.maxResultBytes} bytes`);
        }
        await append({ seq, data: frame });
        seq++;
      }
    }
    // Every append settles before the first failure is thrown, so the catch below sees the spool's final count.
    const failedAppend = (await Promise.allSettled(appending.splice(0))).find((outcome) => outcome.status === 'rejected');
    if (failedAppend) throw failedAppend.reason;
    timings.executeMs = clock.now() - t;
    await spool.seal();
    timings.totalMs = clock.now() - started;
    const summary: ResultSummary = { rows: report.rows, bytes: report.bytes, timings };
    source.finish({ seq, data: encoder.end(seq, summary) });
  } catch (error) {
    // Appends still in flight settle first: the error frame must follow the last frame the spool
    // holds, not the last one handed to it (a failed append leaves no frame, and none after it).
    await Promise.allSettled(appending.splice(0));
    seq = Math.min(seq, spool.stats().appended);
    const reason = local.signal.aborted && !(error instanceof CausewayError) ? local.signal.reason : error;
    const frameError = toFrameError(reason, secrets);
    report.outcome = frameError.code;
    if (frameError.code === 'CW_INTERNAL') log.error({ err: error }, 'job failed with an internal error');
    await spool.seal().catch(() => undefined);
    timings.totalMs = clock.now() - started;
    source.finish({ seq, data: encoder.error(seq, frameError) });
  } finally {
    clearTimeout(deadlineTimer);
    control.signal.removeEventListener('abort', onAbort);
    secrets = [];
  }
  report.frames = seq + 1;

  try {
    await Promise.race([deliver(), graceAfterAbort(control.signal, 10_000)]);
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'result delivery did not complete');
    if (report.outcome === 'ok') report.outcome = 'CW_GATEWAY_OFFLINE';
  } finally {
    await spool.discard().catch((error: unknown) => log.warn({ err: (error as Error).message }, 'spool discard failed'));
  }
  timings.deliveredMs = clock.now() - started;
  log.info({ dataSource: report.dataSource, outcome: report.outcome, rows: report.rows, bytes: report.bytes, frames: report.frames, timings }, 'job finished');
  return report;
}

/** After a cancel, the relay may have forgotten the job: wait a little for the error frame to go, then give up. */
function graceAfterAbort(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const arm = () => setTimeout(resolve, ms).unref();
    if (signal.aborted) arm();
    else signal.addEventListener('abort', arm, { once: true });
  });
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof CausewayError ? signal.reason : new CausewayError('CW_JOB_CANCELLED', 'the job was cancelled');
}
