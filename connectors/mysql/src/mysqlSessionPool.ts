import type { Logger } from '@causeway/sdk';
import type { SessionPool } from '@causeway/sdk/connectors';
import type { Connection, Pool, PoolConnection } from 'mysql2';
import { serverErrno } from './mapMysqlError.js';

/** Options of `mysqlSessionPool`. */
export interface MysqlSessionPoolOptions {
  /** Prepares a new session before its first use (session variables); a failure discards it. */
  setup(connection: PoolConnection): Promise<void>;
  logger: Logger;
}

/**
 * Adapts one identity's mysql2 pool to the SDK's `SessionPool`. A session is set up once, before
 * its first lease; errors of idle sessions are logged, not thrown; a discarded session's socket is
 * destroyed at once, not closed politely, since its state is in doubt (a statement may still be
 * streaming into it).
 */
export function mysqlSessionPool(pool: Pool, options: MysqlSessionPoolOptions): SessionPool<PoolConnection> {
  const { logger } = options;
  const ready = new WeakSet<PoolConnection>();
  // mysql2 removes a failed connection from the pool with a one-shot listener; a second 'error'
  // without a listener would be thrown by the EventEmitter, so every connection keeps this one.
  pool.on('connection', (connection: PoolConnection) => {
    connection.on('error', (error: Error) => logger.debug({ err: { message: error.message, errno: serverErrno(error) } }, 'a MySQL session failed'));
  });
  const internals = pool as unknown as { _allConnections: { length: number }; _freeConnections: { length: number } };
  return {
    async acquire() {
      const connection = await new Promise<PoolConnection>((resolve, reject) => {
        pool.getConnection((error, leased) => (error ? reject(error) : resolve(leased)));
      });
      if (!ready.has(connection)) {
        try {
          await options.setup(connection);
        } catch (error) {
          destroy(connection);
          throw error;
        }
        ready.add(connection);
      }
      return connection;
    },
    release(connection, discard) {
      if (discard) destroy(connection);
      else connection.release();
    },
    end: () =>
      new Promise<void>((resolve, reject) => {
        pool.end((error) => (error ? reject(error) : resolve()));
      }),
    get total() {
      return internals._allConnections.length;
    },
    get idle() {
      return internals._freeConnections.length;
    },
  };
}

/** Removes a session from its pool (if pooled) and drops its socket. */
export function destroy(connection: Connection): void {
  connection.destroy();
  (connection as unknown as { stream?: { destroy?(): void } }).stream?.destroy?.();
}
