import mysql, { type ConnectionOptions } from 'mysql2';

/**
 * Stops the statement that session `threadId` is running with `KILL QUERY` (or, for `connection`,
 * ends the session with `KILL`) sent on a short-lived side connection of the same identity: a user
 * may kill its own sessions without extra privileges, and the pool cannot be used, it may be at its
 * limit. After KILL QUERY the session stays open and its statement ends with ER_QUERY_INTERRUPTED.
 * Resolves true once the server accepted the KILL, false on failure or after `timeoutMs`; never
 * rejects, since the caller discards the session when in doubt.
 */
export function killQuery(options: ConnectionOptions, threadId: number, timeoutMs: number, what: 'query' | 'connection' = 'query'): Promise<boolean> {
  // The id comes from the server's handshake; checked anyway, as it is the one value put in SQL text.
  if (!Number.isSafeInteger(threadId) || threadId <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    let settled = false;
    const connection = mysql.createConnection({ ...options, connectTimeout: timeoutMs, maxPreparedStatements: 1 });
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(ok);
      if (ok) connection.end(() => connection.destroy());
      else destroy();
    };
    const destroy = (): void => {
      connection.destroy();
      (connection as unknown as { stream?: { destroy?(): void } }).stream?.destroy?.();
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    timer.unref();
    connection.on('error', () => finish(false));
    connection.query(`${what === 'query' ? 'KILL QUERY' : 'KILL'} ${threadId}`, (error) => finish(!error));
  });
}
