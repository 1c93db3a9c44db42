import type { ResolvedDeps, ServiceRef } from './serviceRef.js';
import type { SpooledFrame } from './spooler.js';

/** What the host lends a transport to prove the gateway's identity; the private key never leaves the host. */
export interface RelaySession {
  /** The gateway's id as registered with the relay. */
  gatewayId: string;
  /** The id of the gateway's key pair. */
  keyId: string;
  /** The gateway's public key (SPKI PEM). */
  publicKey: string;
  /** Signs a relay challenge with the gateway's private key (RSA-PSS, SHA-256). */
  sign(challenge: Uint8Array): Uint8Array;
  /** How many more jobs the host will take now; credit-based transports grant that much credit. */
  freeCapacity(): number;
  /** The most jobs the host runs at once (`limits.concurrentJobs`). */
  readonly capacity: number;
  /**
   * Calls `listener` each time a job ends and its slot is free again; returns a function that
   * unsubscribes. A credit-based transport (AMQP) tops up its link credit here: it takes only as many
   * jobs as the host has free slots and leaves the rest on the broker for other gateways.
   */
  onCapacityFreed(listener: () => void): () => void;
  /** The host's version, which clustering transports announce to their cluster. */
  readonly hostVersion: string;
}

/** The results of one job as the host offers them: an acknowledged, re-readable frame log. */
export interface FrameSource {
  /** Frames from `fromSeq` on, as they are produced. */
  read(fromSeq: number, signal: AbortSignal): AsyncIterable<SpooledFrame>;
  /** The relay has taken every frame up to `seq`. */
  acknowledge(seq: number): Promise<void>;
}

/** One job the transport received. */
export interface JobDelivery {
  /** The job id from the transport's envelope (also inside `body` when it is well formed). */
  readonly jobId: string;
  /** The job document, parsed but not validated. */
  readonly body: unknown;
  /**
   * Aborted when the transport takes the job back before its results were delivered: the broker
   * connection was lost, so the broker hands the job to a gateway that is still connected. The host
   * then stops the job and answers nothing (its reason is the signal's reason) and `respond` rejects.
   * The same job id may be delivered again later. Transports that never take a job back omit it.
   */
  readonly revoked?: AbortSignal;
  /**
   * Sends the job's frames until the last one is acknowledged (resuming, after a reconnect, from the
   * first frame the relay lacks, or, on a broker, leaving a job it cannot finish to be redelivered).
   * Resolves when the relay or broker has taken them all and the job is settled.
   */
  respond(results: FrameSource): Promise<void>;
}

/** Connection states a transport reports. */
export type RelayState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** What the host does with what a transport receives. */
export interface RelayHandler {
  /** A job arrived. The host answers through `delivery.respond`. */
  onJob(delivery: JobDelivery): void;
  /** The relay asks to cancel a job. */
  onCancel(jobId: string): void;
  /** The connection changed state. */
  onState?(state: RelayState, detail?: { error?: Error; attempt?: number; delayMs?: number }): void;
}

/** A live link to the relay, kept open (and re-opened) by the transport. */
export interface RelayLink {
  /**
   * Closes the link. Jobs whose results are not all delivered are handed back (a broker redelivers
   * them to another gateway of the cluster) or failed; either way their `respond` rejects. The host
   * calls it before it aborts its running jobs, so a job another gateway can take over is not
   * answered with a shutdown error.
   */
  close(): Promise<void>;
}

/** One gateway of a cluster, as its latest announcement describes it. */
export interface ClusterMemberStatus {
  /** The member's gateway id. */
  memberId: string;
  /** The host's version. */
  version: string;
  /** The id of the key pair the member holds (every member of a cluster holds the same). */
  keyId: string;
  /** The member's job slots. */
  capacity: number;
  /** Jobs the member holds now (running or delivering results). */
  jobsInFlight: number;
  /** `ok` takes jobs; `busy` has no free slot now; `stopping` is leaving the cluster. */
  health: 'ok' | 'busy' | 'stopping';
  /** When the member started (ISO 8601). */
  startedAt: string;
  /** When the member last announced itself (ISO 8601). */
  lastSeen: string;
  /** Jobs the member finished since it started, by outcome. */
  jobsDone: number;
  jobsFailed: number;
}

/** What a clustering transport knows about its cluster. */
export interface ClusterStatus {
  /** The cluster's name. */
  cluster: string;
  /** Members that announced themselves within the announcement lifetime, newest announcement each. */
  members: ClusterMemberStatus[];
}

/** What a relay transport does once created. Outbound only: it dials the relay, never listens. */
export interface RelayTransport {
  /** Connects and authenticates; resolves when the first connection is ready, rejects if the relay refuses the gateway. */
  connect(session: RelaySession, handler: RelayHandler): Promise<RelayLink>;
  /** Transports whose gateways form a cluster (AMQP): reads the members' announcements without joining. */
  clusterStatus?(options?: { signal?: AbortSignal }): Promise<ClusterStatus>;
  /** Called when the plugin is unloaded. */
  dispose?(): Promise<void>;
}

/** A relay-transport plugin's definition. */
export interface RelayTransportDefinition<D extends Record<string, ServiceRef<unknown>> = Record<string, ServiceRef<unknown>>> {
  readonly kind: 'relay-transport';
  readonly apiVersion: 1;
  readonly deps: D;
  create(deps: ResolvedDeps<D>): RelayTransport | Promise<RelayTransport>;
}

/** Declares a relay-transport plugin. */
export function defineRelayTransport<D extends Record<string, ServiceRef<unknown>> = Record<string, never>>(definition: {
  deps?: D;
  create(deps: ResolvedDeps<D>): RelayTransport | Promise<RelayTransport>;
}): RelayTransportDefinition<D> {
  return Object.freeze({ kind: 'relay-transport', apiVersion: 1, deps: (definition.deps ?? {}) as D, create: definition.create });
}
