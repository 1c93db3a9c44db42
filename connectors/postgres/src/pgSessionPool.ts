import type { Logger } from '@causeway/sdk';
import { corkForTick, type SessionPool } from '@causeway/sdk/connectors';
import type pg from 'pg';
import { sqlState } from './mapPgError.js';

/** Adapts one identity's pg.Pool to the SDK's `SessionPool`, logging (not throwing) errors of idle sessions. */
export function pgSessionPool(pool: pg.Pool, logger: Logger): SessionPool<pg.PoolClient> {
  // An idle session dropped by the server must not become an uncaught 'error' event.
  pool.on('error', (error) => logger.warn({ err: { message: error.message, code: sqlState(error) } }, 'an idle PostgreSQL session failed'));
  const onLeasedError = (error: Error): void => logger.warn({ err: { message: error.message, code: sqlState(error) } }, 'a leased PostgreSQL session failed');
  return {
    async acquire() {
      const client = await pool.connect();
      coalesceWrites(client);
      client.on('error', onLeasedError);
      return client;
    },
    release(client, discard) {
      client.removeListener('error', onLeasedError);
      client.release(discard ? new Error('session discarded') : undefined);
    },
    end: () => pool.end(),
    get total() {
      return pool.totalCount;
    },
    get idle() {
      return pool.idleCount;
    },
  };
}

const coalescing = new WeakSet<pg.PoolClient>();

/**
 * pg writes every protocol message with its own socket write: parse, bind, describe, flush and
 * execute for a query, close and sync when a portal completes (eight syscalls for a one-row query).
 * Corking the socket whenever data arrives holds the writes pg makes in answer (close and sync,
 * the next execute) until that tick is done, so they leave together; `streamQuery` corks around
 * the query's submission the same way. Installed once per session.
 */
function coalesceWrites(client: pg.PoolClient): void {
  if (coalescing.has(client)) return;
  coalescing.add(client);
  const { stream } = client.connection;
  stream.prependListener('data', () => corkForTick(stream));
}

/** True when a connect error means PostgreSQL refused the identity (its pool is then dropped). */
export function isPgAuthFailure(error: unknown): boolean {
  const state = sqlState(error);
  return state === '28P01' || state === '28000';
}

