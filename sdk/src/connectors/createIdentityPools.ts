import { CausewayError } from '../errors.js';
import type { ConnectionIdentity } from '../identity.js';
import type { Logger } from '../logger.js';
import type { PoolLimits } from '../connector.js';
import { createIdentityKey } from './createIdentityKey.js';
import { createSlots } from './createSlots.js';
import { untilAborted } from './untilAborted.js';

/**
 * A driver's own pool of sessions for one identity, as `createIdentityPools` needs it. Adapt the
 * driver's pool (pg.Pool, mysql2's pool, mssql's ConnectionPool, an oracledb pool) to this shape.
 */
export interface SessionPool<S> {
  /** Checks out a session, opening one when none is idle. */
  acquire(): Promise<S>;
  /** Gives a session back, or closes it when `discard` (its state is in doubt). */
  release(session: S, discard: boolean): void;
  /** Closes every session. */
  end(): Promise<void>;
  /** Sessions open now (idle and leased). */
  readonly total: number;
  /** Sessions open and idle now. */
  readonly idle: number;
}

/** A session checked out of an identity's pool; give it back exactly once. */
export interface PoolLease<S> {
  session: S;
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
export interface IdentityPools<I extends ConnectionIdentity, S> {
  /** Checks out a session as `identity`; rejects with the signal's reason if it aborts first, or with the driver's connect error. */
  acquire(identity: I, signal: AbortSignal): Promise<PoolLease<S>>;
  stats(): IdentityPoolStats;
  /** Ends every pool; later acquires fail with CW_SHUTTING_DOWN. */
  close(): Promise<void>;
}

/** Options of `createIdentityPools`. */
export interface IdentityPoolsOptions<I extends ConnectionIdentity, S> {
  limits: PoolLimits;
  logger: Logger;
  /** Creates the driver pool for one identity (must not connect eagerly). */
  createPool(identity: I): SessionPool<S>;
  /** True for a connect error that means the identity was refused: its pool is dropped. */
  isAuthFailure?(error: unknown): boolean;
  /** The product name for messages ("PostgreSQL"). */
  product: string;
}

interface Entry<S> {
  key: string;
  pool: SessionPool<S>;
  /** Leases out plus connects in progress: while non-zero the pool is never evicted. */
  borrowed: number;
  evictTimer: NodeJS.Timeout | undefined;
}

/**
 * Creates the per-identity pools of one data source. Sessions of different identities never mix
 * (a failed login cannot spoil another identity's pool), the number of sessions leased at once
 * across identities is capped at `limits.maxConnections` (idle pools of other identities are ended
 * to make room), and a pool unused for `limits.idleTimeoutMs` is ended. Pools are keyed by an HMAC
 * of the identity, so no secret is kept as a map key.
 */
export function createIdentityPools<I extends ConnectionIdentity, S>(options: IdentityPoolsOptions<I, S>): IdentityPools<I, S> {
  const { limits, createPool, logger, product } = options;
  const keyOf = createIdentityKey();
  const entries = new Map<string, Entry<S>>();
  const slots = createSlots(limits.maxConnections);
  let closing: Promise<void> | undefined;

  function end(entry: Entry<S>, why: string): void {
    entry.pool.end().catch((error: unknown) => logger.warn({ err: { message: (error as Error)?.message } }, `ending ${why} ${product} pool failed`));
  }

  function evict(entry: Entry<S>): void {
    clearTimeout(entry.evictTimer);
    if (entries.get(entry.key) !== entry) return;
    entries.delete(entry.key);
    end(entry, 'an idle');
  }

  function scheduleEviction(entry: Entry<S>): void {
    clearTimeout(entry.evictTimer);
    entry.evictTimer = setTimeout(() => {
      if (entry.borrowed === 0) evict(entry);
    }, limits.idleTimeoutMs);
    entry.evictTimer.unref();
  }

  function entryFor(identity: I): Entry<S> {
    const key = keyOf(identity);
    let entry = entries.get(key);
    if (!entry) {
      entry = { key, pool: createPool(identity), borrowed: 0, evictTimer: undefined };
      entries.set(key, entry);
    }
    clearTimeout(entry.evictTimer);
    return entry;
  }

  function openSessions(): number {
    let total = 0;
    for (const entry of entries.values()) total += entry.pool.total;
    return total;
  }

  // When a new session is needed and the data source is at its limit, end wholly idle pools of
  // other identities rather than exceeding the limit with their parked sessions.
  function makeRoom(entry: Entry<S>): void {
    if (entry.pool.idle > 0) return;
    for (const other of [...entries.values()]) {
      if (openSessions() < limits.maxConnections) return;
      if (other !== entry && other.borrowed === 0 && other.pool.total > 0) evict(other);
    }
  }

  async function acquire(identity: I, signal: AbortSignal): Promise<PoolLease<S>> {
    if (closing) throw new CausewayError('CW_SHUTTING_DOWN', `the ${product} data source is closed`);
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
    let session: S;
    try {
      makeRoom(entry);
      session = await untilAborted(entry.pool.acquire(), signal, { late: (late) => entry.pool.release(late, false) });
    } catch (error) {
      giveBack();
      // A pool whose login was refused holds nothing useful; drop it so it is rebuilt next time.
      if (options.isAuthFailure?.(error) && entry.borrowed === 0) evict(entry);
      throw error;
    }
    return {
      session,
      release(discard) {
        if (released) return;
        entry.pool.release(session, discard);
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
        total += entry.pool.total;
        idle += entry.pool.idle;
      }
      return { pools: entries.size, total, idle, leased: slots.used };
    },
    close() {
      closing ??= (async () => {
        slots.close(new CausewayError('CW_SHUTTING_DOWN', `the ${product} data source is closed`));
        const all = [...entries.values()];
        entries.clear();
        for (const entry of all) clearTimeout(entry.evictTimer);
        await Promise.all(all.map((entry) => entry.pool.end().catch((error: unknown) => logger.warn({ err: { message: (error as Error)?.message } }, `ending a ${product} pool failed`))));
      })();
      return closing;
    },
  };
}
