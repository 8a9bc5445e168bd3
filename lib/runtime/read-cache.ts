/**
 * A per-process cache of things read from the database on hot paths (a template's current version, a workspace's
 * channel configs and policy): bounded (least recently used entries go first), optionally expiring after `ttlMs`,
 * and sharing one load among callers that miss at the same moment, so 100 sends a second into a cold or just
 * expired entry make one query, not 100.
 *
 * A Map keeps insertion order, and an entry is re-inserted on each hit, so the first key is the least recently
 * used one: that is the whole LRU. (lru-cache is only a transitive dependency here, and this needs its two
 * features, a bound and a TTL, in forty lines; a dependency of our own for that was not worth it.)
 *
 * Invalidation: whoever saves the thing calls `delete` (or `clear`) after the save commits, so this process sees
 * the change at once; other instances see it when their entry expires (the TTL is the bound on staleness). A load
 * that was already under way when `delete` ran is not stored (its promise is no longer the entry), so a read that
 * raced the save cannot put the old value back.
 *
 * Time is an input (`now`, in ms, defaulting to the wall clock) so tests expire entries without sleeping.
 */
export class ReadCache<K, V> {
  private readonly entries = new Map<K, { value: Promise<V>; expiresAt: number }>();

  constructor(private readonly options: { maxEntries: number; ttlMs?: number }) {}

  /** The cached value of `key`, or `load()`'s (stored unless it throws). */
  get(key: K, load: () => Promise<V>, now: number = Date.now()): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const entry = { value: load(), expiresAt: this.options.ttlMs === undefined ? Infinity : now + this.options.ttlMs };
    this.entries.delete(key);
    this.entries.set(key, entry);
    // a failed load is not kept: the next caller tries again
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
    return entry.value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose key passes `test` (all of them without one). */
  clear(test?: (key: K) => boolean): void {
    if (!test) return this.entries.clear();
    for (const key of [...this.entries.keys()]) if (test(key)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
