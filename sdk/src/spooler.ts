import type { ResolvedDeps, ServiceRef } from './serviceRef.js';

/** A frame as the spool holds it: its sequence number and its encoded bytes. */
export interface SpooledFrame {
  seq: number;
  data: Uint8Array;
}

/** Counters of one job's spool. */
export interface JobSpoolStats {
  /** Frames appended so far. */
  appended: number;
  /** Highest acknowledged sequence number, -1 before the first ack. */
  acknowledged: number;
  /** Bytes the spool holds for this job now (unacknowledged frames, as stored). */
  bytes: number;
  /** True once `seal()` was called. */
  sealed: boolean;
}

/** The spool of one job: an append-only log of frames, read from any unacknowledged sequence number. */
export interface JobSpool {
  /**
   * Appends the frame with the next sequence number (0, 1, 2, ...); resolves once the frame is in the
   * spool. Throws `CW_SPOOL_FULL` past the quota. The host calls it again before an earlier append
   * has resolved (a few frames in flight, always in sequence order), so a spooler may write the
   * frames that wait together; a failed append fails every later one.
   */
  append(frame: SpooledFrame): Promise<void>;
  /** No more frames will come; readers end after the last one. */
  seal(): Promise<void>;
  /**
   * Yields frames from `fromSeq` on, waiting for new ones until the spool is sealed and read to its
   * end. Several reads may run one after another (a resume after a dropped connection).
   */
  read(fromSeq: number, signal?: AbortSignal): AsyncIterable<SpooledFrame>;
  /** Frames up to and including `seq` were delivered; the spool may free them. */
  acknowledge(seq: number): Promise<void>;
  /** Frees everything for this job (after delivery or when the job is abandoned). */
  discard(): Promise<void>;
  /** Counters. */
  stats(): JobSpoolStats;
}

/** What a spooler does once created. */
export interface Spooler {
  /** Opens the spool of a new job. */
  open(jobId: string): Promise<JobSpool>;
  /** Bytes held across all jobs. */
  usage(): { bytes: number; jobs: number };
  /** Called when the plugin is unloaded; frees everything. */
  dispose?(): Promise<void>;
}

/** A spooler plugin's definition. */
export interface SpoolerDefinition<D extends Record<string, ServiceRef<unknown>> = Record<string, ServiceRef<unknown>>> {
  readonly kind: 'spooler';
  readonly apiVersion: 1;
  readonly deps: D;
  create(deps: ResolvedDeps<D>): Spooler | Promise<Spooler>;
}

/** Declares a spooler plugin. */
export function defineSpooler<D extends Record<string, ServiceRef<unknown>> = Record<string, never>>(definition: {
  deps?: D;
  create(deps: ResolvedDeps<D>): Spooler | Promise<Spooler>;
}): SpoolerDefinition<D> {
  return Object.freeze({ kind: 'spooler', apiVersion: 1, deps: (definition.deps ?? {}) as D, create: definition.create });
}
