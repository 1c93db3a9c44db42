import type { Logger } from '@causeway/sdk';
import type { SessionPool } from '@causeway/sdk/connectors';
import type { HanaSession } from './openHanaSession.js';

/** Options of `hanaSessionPool`. */
export interface HanaSessionPoolOptions {
  /** Opens and logs on one session (bounded by the connect timeout). */
  open(): Promise<HanaSession>;
  /** Ends a session, gracefully or at once. */
  close(session: HanaSession, graceful: boolean): Promise<void>;
  /** Sessions open at once in this pool (leased and idle); further acquires wait for a release. */
  maxSessions: number;
  /**
   * Whether a released session waits idle for a later job. False for SAML: a session logged on
   * with an assertion serves only the jobs that are waiting for it when it is released, then ends.
   */
  keepIdle: boolean;
  /** An idle session is ended after this long. */
  idleTimeoutMs: number;
  logger: Logger;
}

interface Idle {
  session: HanaSession;
  timer: NodeJS.Timeout;
}

interface Waiter {
  resolve(session: HanaSession): void;
  reject(error: unknown): void;
}

/**
 * hdb has no pool: this is a small one for one identity, adapted to the SDK's `SessionPool` so that
 * `createIdentityPools` manages it (per-identity pools, the global cap, idle eviction). Sessions
 * whose socket failed are never handed out again; a discarded session is destroyed at once.
 */
export function hanaSessionPool(options: HanaSessionPoolOptions): SessionPool<HanaSession> {
  const idle: Idle[] = [];
  const waiters: Waiter[] = [];
  let total = 0;
  let ended = false;

  const end = (session: HanaSession, graceful: boolean): void => {
    total -= 1;
    options.close(session, graceful).catch((error: unknown) => options.logger.warn({ err: { message: (error as Error)?.message } }, 'closing an SAP HANA session failed'));
  };

  const park = (session: HanaSession): void => {
    const entry: Idle = {
      session,
      timer: setTimeout(() => {
        const index = idle.indexOf(entry);
        if (index >= 0) {
          idle.splice(index, 1);
          end(session, true);
        }
      }, options.idleTimeoutMs),
    };
    entry.timer.unref();
    idle.push(entry);
  };

  const openFor = (waiter: Waiter): void => {
    total += 1;
    options.open().then(waiter.resolve, (error: unknown) => {
      total -= 1;
      waiter.reject(error);
      // A failed opening frees a place: let the next waiter try with its own.
      const next = waiters.shift();
      if (next) openFor(next);
    });
  };

  const takeIdle = (): HanaSession | undefined => {
    for (;;) {
      const entry = idle.pop();
      if (!entry) return undefined;
      clearTimeout(entry.timer);
      if (!entry.session.broken && entry.session.client.readyState === 'connected') return entry.session;
      end(entry.session, false);
    }
  };

  return {
    acquire() {
      if (ended) return Promise.reject(new Error('the SAP HANA session pool was ended'));
      const session = takeIdle();
      if (session) return Promise.resolve(session);
      return new Promise<HanaSession>((resolve, reject) => {
        const waiter = { resolve, reject };
        if (total < options.maxSessions) openFor(waiter);
        else waiters.push(waiter);
      });
    },
    release(session, discard) {
      const reusable = !discard && !ended && !session.broken && session.client.readyState === 'connected';
      const waiter = waiters.shift();
      if (waiter) {
        if (reusable) {
          waiter.resolve(session);
          return;
        }
        end(session, false);
        openFor(waiter);
        return;
      }
      if (reusable && options.keepIdle) park(session);
      else end(session, reusable);
    },
    async end() {
      ended = true;
      const closing = idle.splice(0).map((entry) => {
        clearTimeout(entry.timer);
        total -= 1;
        return options.close(entry.session, true);
      });
      for (const waiter of waiters.splice(0)) waiter.reject(new Error('the SAP HANA session pool was ended'));
      await Promise.allSettled(closing);
    },
    get total() {
      return total;
    },
    get idle() {
      return idle.length;
    },
  };
}
