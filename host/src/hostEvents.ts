import type { RelayState } from '@causeway/sdk';
import type { JobReport } from './jobs/runJob.js';

/** Events a host emits to its embedder. */
export interface HostEvents {
  /** The host is connected to its relay and takes jobs. */
  ready: [];
  /** A job arrived. */
  'job:start': [{ jobId: string }];
  /** A job ended (delivered, failed or abandoned). */
  'job:end': [JobReport];
  /** The relay link changed state. */
  'relay:state': [{ state: RelayState; error?: string; attempt?: number; delayMs?: number }];
  /** The host stopped. */
  stopped: [];
}
