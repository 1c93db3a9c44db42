import { CausewayError, type Logger, type PasswordIdentity, type PoolLimits } from '@causeway/sdk';
import type { Pool, PoolClient } from 'pg';
import { createSlots } from './createSlots.js';
import { sqlState } from './mapPgError.js';
import { createPoolKey } from './poolKey.js';

/** A session checked out of an identity's pool; give it back exactly once. */
export interface PoolLease {
  client: PoolClient;
  /** Returns the session to its pool, or closes it when `discard` (its state is in doubt). */
  release(discard: boolean): void;
}

/** Counts across all identities' pools, for diagnostics and tests. */
export interface IdentityPoolStats {
  pools: number;
  total: number;
  idle: number;
  leased: number;
}

/** The connection pools of one data source, one per identity. */
export interface IdentityPools {
  /** Checks out a session as `identity`; rejects with the signal's reason if it aborts first, or with the connect error. */
  acquire(identity: PasswordIdentity, signal: AbortSignal): Promise<PoolLease>;
  stats(): IdentityPoolStats;
  /** Ends every pool once its leased sessions are back; later acquires fail. */
  close(): Promise<void>;
}

interface Entry {
  key: string;
  pool: Pool;
  /** Leases out plus connects in progress: while non-zero the pool is never evicted. */
  borrowed: number;
  evictTimer: NodeJS.Timeout | undefined;
}

/**
 * Creates the per-identity pools of one data source. Sessions of different identities never mix
 * (a failed login cannot spoil another identity's pool), the number of sessions leased at once
 * across identities is capped at `limits.maxConnections` (and idle pools of other identities make
 * room when a new session is needed), and a pool unused for `limits.idleTimeoutMs` is ended.
 */
export function createIdentityPools(options: {
  limits: PoolLimits;
  createPool: (identity: PasswordIdentity) => Pool;
  logger: Logger;
}): IdentityPools {
  const { limits, createPool, logger } = options;
  const keyOf = createPoolKey();
  const entries = new Map<string, Entry>();
  const slots = createSlots(limits.maxConnections);
  let closing: Promise<void> | undefined;

  function evict(entry: Entry): void {
    clearTimeout(entry.evictTimer);
    if (entries.get(entry.key) !== entry) return;
    entries.delete(entry.key);
    entry.pool.end().catch((error: unknown) => logger.warn({ err: error }, 'ending an idle PostgreSQL pool failed'));
  }

  function scheduleEviction(entry: Entry): void {
    clearTimeout(entry.evictTimer);
    entry.evictTimer = setTimeout(() => {
      if (entry.borrowed === 0) evict(entry);
    }, limits.idleTimeoutMs);
    entry.evictTimer.unref();
  }

  function entryFor(identity: PasswordIdentity): Entry {
    const key = keyOf(identity);
    let entry = entries.get(key);
    if (!entry) {
      const pool = createPool(identity);
      // An idle session dropped by the server must not become an uncaught 'error' event.
      pool.on('error', (error) => logger.warn({ err: { message: error.message, code: sqlState(error) } }, 'an idle PostgreSQL session failed'));
      entry = { key, pool, borrowed: 0, evictTimer: undefined };
      entries.set(key, entry);
    }
    clearTimeout(entry.evictTimer);
    return entry;
  }

  function openSessions(): number {
    let total = 0;
    for (const entry of entries.values()) total += entry.pool.totalCount;
    return total;
  }

  // When a new session is needed and the data source is at its limit, end wholly idle pools of
  // other identities rather than exceeding the limit with their parked sessions.
  function makeRoom(entry: Entry): void {
    if (entry.pool.idleCount > 0) return;
    for (const other of [...entries.values()]) {
      if (openSessions() < limits.maxConnections) return;
      if (other !== entry && other.borrowed === 0 && other.pool.totalCount > 0) evict(other);
    }
  }

  async function acquire(identity: PasswordIdentity, signal: AbortSignal): Promise<PoolLease> {
    if (closing) throw new CausewayError('CW_SHUTTING_DOWN', 'the PostgreSQL data source is closed');
    await slots.acquire(signal);
    const entry = entryFor(identity);
    entry.borrowed += 1;
    let released = false;
    const giveBack = (): void => {
      if (released) return;
      released = true;
      entry.borrowed -= 1;
      slots.release();
      if (entry.borrowed === 0 && entries.get(entry.key) === entry) scheduleEviction(entry);
    };
    let client: PoolClient;
    try {
      makeRoom(entry);
      client = await raceAbort(entry.pool.connect(), signal, (late) => late.release());
    } catch (error) {
      giveBack();
      // A pool whose login was refused holds nothing useful; drop it so it is rebuilt next time.
      const state = sqlState(error);
      if ((state === '28P01' || state === '28000') && entry.borrowed === 0) evict(entry);
      throw error;
    }
    const onError = (error: Error): void => logger.warn({ err: { message: error.message, code: sqlState(error) } }, 'a leased PostgreSQL session failed');
    client.on('error', onError);
    return {
      client,
      release(discard) {
        if (released) return;
        client.removeListener('error', onError);
        client.release(discard ? new Error('session discarded') : undefined);
        giveBack();
      },
    };
  }

  return {
    acquire,
    stats() {
      let total = 0;
      let idle = 0;
      for (const entry of entries.values()) {
        total += entry.pool.totalCount;
        idle += entry.pool.idleCount;
      }
      return { pools: entries.size, total, idle, leased: slots.used };
    },
    close() {
      closing ??= (async () => {
        slots.close(new CausewayError('CW_SHUTTING_DOWN', 'the PostgreSQL data source is closed'));
        const all = [...entries.values()];
        entries.clear();
        for (const entry of all) clearTimeout(entry.evictTimer);
        await Promise.all(all.map((entry) => entry.pool.end().catch((error: unknown) => logger.warn({ err: error }, 'ending a PostgreSQL pool failed'))));
      })();
      return closing;
    },
  };
}

// Waits for `work` unless the signal aborts first; a result that arrives after the abort goes to `late`.
function raceAbort<T>(work: Promise<T>, signal: AbortSignal, late: (value: T) => void): Promise<T> {
  if (signal.aborted) {
    work.then(late, () => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (aborted) late(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!aborted) reject(error);
      },
    );
  });
}
