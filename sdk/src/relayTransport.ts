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
  /** How many more jobs the host will take now; transports use it as credit. */
  freeCapacity(): number;
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
   * Sends the job's frames until the last one is acknowledged, resuming from the relay's last
   * acknowledged frame after a reconnect. Resolves when the relay has taken them all.
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
  /** Closes the link; pending `respond` calls reject. */
  close(): Promise<void>;
}

/** What a relay transport does once created. Outbound only: it dials the relay, never listens. */
export interface RelayTransport {
  /** Connects and authenticates; resolves when the first connection is ready, rejects if the relay refuses the gateway. */
  connect(session: RelaySession, handler: RelayHandler): Promise<RelayLink>;
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
