import type { Logger } from '@causeway/sdk';
import type { SessionPool } from '@causeway/sdk/connectors';
import { oracleServerCode } from './mapOracleError.js';
import type { OracleConnection, OraclePool } from './oracleDriver.js';

/**
 * Adapts one identity's oracledb pool to the SDK's `SessionPool`. oracledb creates pools
 * asynchronously while `createIdentityPools` wants a pool at once, so this takes the pending pool:
 * acquiring waits for it (and fails with its error). Releasing returns the session (`close()`),
 * discarding drops it (`close({ drop: true })`); both run in the background and only log a
 * failure. Ending closes sessions in use too (`close(0)`) and gives up waiting after
 * `endTimeoutMs`, so a session stuck on a dead network cannot hold up the data source's close.
 */
export function oracleSessionPool(pending: Promise<OraclePool>, logger: Logger, endTimeoutMs: number): SessionPool<OracleConnection> {
  let pool: OraclePool | undefined;
  pending.then(
    (created) => (pool = created),
    () => undefined,
  );
  return {
    acquire: async () => (await pending).getConnection(),
    release(connection, discard) {
      connection.close(discard ? { drop: true } : undefined).catch((error: unknown) => {
        logger.warn({ err: { message: (error as Error)?.message, code: oracleServerCode(error) } }, discard ? 'dropping an Oracle session failed' : 'returning an Oracle session to its pool failed');
      });
    },
    end: () =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          logger.warn({ endTimeoutMs }, 'an Oracle pool did not close in time; leaving its sessions to the driver');
          resolve();
        }, endTimeoutMs);
        timer.unref();
        const finish = (error?: unknown): void => {
          clearTimeout(timer);
          if (error === undefined) resolve();
          else reject(error);
        };
        pending.then(
          (created) => created.close(0).then(() => finish(), finish),
          // A pool that was never created has nothing to close.
          () => finish(),
        );
      }),
    get total() {
      return pool?.connectionsOpen ?? 0;
    },
    get idle() {
      return pool ? pool.connectionsOpen - pool.connectionsInUse : 0;
    },
  };
}
