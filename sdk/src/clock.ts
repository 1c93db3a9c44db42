/** Time source handed to plugins so tests can control it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}
