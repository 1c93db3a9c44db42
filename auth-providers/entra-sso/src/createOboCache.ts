import type { ExchangedToken } from './exchangeOnBehalfOf.js';

/** Counters of an OBO cache. */
export interface OboCacheStats {
  /** Served from a cached token. */
  hits: number;
  /** Needed an exchange (started one, or joined one in flight). */
  misses: number;
  /** Exchanges actually started. */
  exchanges: number;
  /** Misses that joined an exchange already in flight. */
  joined: number;
}

/** Exchanged tokens per key, each until shortly before it expires; concurrent requests for one key share one exchange. */
export interface OboCache {
  /** A cached token for `key`, or the result of `exchange` (shared with every caller asking meanwhile). */
  get(key: string, exchange: () => Promise<ExchangedToken>, signal?: AbortSignal): Promise<ExchangedToken>;
  stats(): OboCacheStats;
  clear(): void;
}

/**
 * Creates the cache. A failed exchange is not remembered. A caller whose job is cancelled stops
 * waiting, while the exchange goes on for the others.
 */
export function createOboCache(options: { now: () => number; refreshMarginMs: number; maxEntries: number }): OboCache {
  const tokens = new Map<string, ExchangedToken>();
  const inFlight = new Map<string, Promise<ExchangedToken>>();
  const stats: OboCacheStats = { hits: 0, misses: 0, exchanges: 0, joined: 0 };

  const waitFor = (promise: Promise<ExchangedToken>, signal: AbortSignal | undefined): Promise<ExchangedToken> => {
    if (!signal) return promise;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  };

  return {
    get(key, exchange, signal) {
      const cached = tokens.get(key);
      if (cached && cached.expiresAt - options.refreshMarginMs > options.now()) {
        stats.hits++;
        return Promise.resolve(cached);
      }
      if (cached) tokens.delete(key);
      stats.misses++;
      let pending = inFlight.get(key);
      if (pending) {
        stats.joined++;
      } else {
        stats.exchanges++;
        pending = exchange().then(
          (token) => {
            inFlight.delete(key);
            tokens.set(key, token);
            // Map order is insertion order: the first key is the oldest.
            while (tokens.size > options.maxEntries) tokens.delete(tokens.keys().next().value as string);
            return token;
          },
          (error: unknown) => {
            inFlight.delete(key);
            throw error;
          },
        );
        // Observed here so a failure no caller waits for any more (all cancelled) is not unhandled.
        pending.catch(() => undefined);
        inFlight.set(key, pending);
      }
      return waitFor(pending, signal);
    },
    stats: () => ({ ...stats }),
    clear() {
      tokens.clear();
    },
  };
}
