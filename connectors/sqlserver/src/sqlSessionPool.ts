import type { Logger } from '@causeway/sdk';
import type { SessionPool } from '@causeway/sdk/connectors';
import { closeSession, type SqlSession } from './openSession.js';

/** Options of `sqlSessionPool`. */
export interface SqlSessionPoolOptions {
  /** Opens and logs on a new session. */
  open(): Promise<SqlSession>;
  /** Sessions open at once, at most. */
  max: number;
  /** An idle session is closed after this long. */
  idleTimeoutMs: number;
  logger: Logger;
}

interface Waiter {
  resolve(session: SqlSession): void;
  reject(error: unknown): void;
}

/**
 * One identity's pool of tedious connections, in the SDK's `SessionPool` shape. A session given
 * back is reset before anyone else uses it: its next request carries the TDS reset-connection flag
 * (MS-TDS 2.2.3.1.2), so SQL Server runs sp_reset_connection first and temporary tables, SET
 * options and open transactions of the previous job are gone. That is tedious's own reset(),
 * without the extra round trip (reset() is the fallback if tedious ever drops the flag). A
 * discarded or broken session is closed. Nothing connects until the first acquire.
 */
export function sqlSessionPool(options: SqlSessionPoolOptions): SessionPool<SqlSession> {
  const all = new Set<SqlSession>();
  const idle: SqlSession[] = [];
  const idleTimers = new Map<SqlSession, NodeJS.Timeout>();
  const waiters: Waiter[] = [];
  let opening = 0;
  let ended = false;

  const forget = (session: SqlSession): void => {
    all.delete(session);
    clearTimeout(idleTimers.get(session));
    idleTimers.delete(session);
    const at = idle.indexOf(session);
    if (at >= 0) idle.splice(at, 1);
  };

  const close = (session: SqlSession): void => {
    forget(session);
    void closeSession(session);
    serveWaiter();
  };

  const makeIdle = (session: SqlSession): void => {
    const waiter = waiters.shift();
    if (waiter) {
      waiter.resolve(session);
      return;
    }
    idle.push(session);
    const timer = setTimeout(() => {
      if (idle.includes(session)) close(session);
    }, options.idleTimeoutMs);
    timer.unref();
    idleTimers.set(session, timer);
  };

  const openNew = async (): Promise<SqlSession> => {
    opening += 1;
    try {
      const session = await options.open();
      if (ended) {
        void closeSession(session);
        throw new Error('the SQL Server pool was closed');
      }
      all.add(session);
      session.connection.once('end', () => {
        if (!idle.includes(session)) return;
        forget(session);
        serveWaiter();
      });
      return session;
    } finally {
      opening -= 1;
    }
  };

  // A session left (closed or failed): a waiter may now open one of its own.
  function serveWaiter(): void {
    if (ended || waiters.length === 0 || all.size + opening >= options.max) return;
    const waiter = waiters.shift() as Waiter;
    openNew().then(waiter.resolve, waiter.reject);
  }

  return {
    async acquire() {
      if (ended) throw new Error('the SQL Server pool was closed');
      while (idle.length > 0) {
        const session = idle.pop() as SqlSession;
        clearTimeout(idleTimers.get(session));
        idleTimers.delete(session);
        if (!session.broken) return session;
        forget(session);
      }
      if (all.size + opening < options.max) return openNew();
      return new Promise<SqlSession>((resolve, reject) => waiters.push({ resolve, reject }));
    },
    release(session, discard) {
      if (!all.has(session)) return;
      if (discard || session.broken || ended) {
        close(session);
        return;
      }
      const connection = session.connection as unknown as { resetConnectionOnNextRequest?: boolean };
      if ('resetConnectionOnNextRequest' in connection) {
        // What tedious's reset() does first: the next request carries the reset flag, with no extra round trip.
        connection.resetConnectionOnNextRequest = true;
        makeIdle(session);
        return;
      }
      session.connection.reset((error) => {
        if (error || session.broken || ended) {
          if (error) options.logger.debug({ err: { message: error.message } }, 'resetting a SQL Server session failed; closing it');
          close(session);
        } else {
          makeIdle(session);
        }
      });
    },
    async end() {
      ended = true;
      for (const waiter of waiters.splice(0)) waiter.reject(new Error('the SQL Server pool was closed'));
      const sessions = [...all];
      for (const session of sessions) forget(session);
      await Promise.all(sessions.map((session) => closeSession(session)));
    },
    get total() {
      return all.size;
    },
    get idle() {
      return idle.length;
    },
  };
}
