import type { Clock } from '@causeway/sdk';

/** A small map whose entries expire, holding at most `maxEntries` (least recently used evicted first). */
export interface TtlCache<V> {
  /** The live value for `key`, or undefined (expired entries are dropped on the way). */
  get(key: string): V | undefined;
  /** Stores `value` for `ttlMs`; a ttl of 0 or less stores nothing. */
  set(key: string, value: V, ttlMs: number): void;
  clear(): void;
  /** Entries held now (expired ones included until they are touched or evicted). */
  readonly size: number;
}

/** Creates a TTL cache reading time from `clock`. */
export function createTtlCache<V>(options: { maxEntries: number; clock: Clock }): TtlCache<V> {
  const { maxEntries, clock } = options;
  // A Map keeps insertion order: re-inserting on every hit makes its first key the least recently used.
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= clock.now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, ttlMs) {
      entries.delete(key);
      if (ttlMs <= 0 || maxEntries <= 0) return;
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
      entries.set(key, { value, expiresAt: clock.now() + ttlMs });
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
