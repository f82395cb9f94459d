/** Options of {@link refreshingCache}. */
export interface RefreshingCacheOptions<V> {
  /** How long a value is served after it was loaded. */
  ttlMs: number;
  /** Entries kept at most; the cache is emptied when it is full. */
  maxEntries?: number;
  /** Whether a loaded value may be kept (default: every value). */
  keep?(value: V): boolean;
  now?: () => number;
}

/** A cache of values loaded by key, as the read-route caches of this folder use it. */
export interface RefreshingCache<V> {
  get(key: string, load: () => Promise<V>): Promise<V>;
}

/**
 * Values by key, each served for at most `ttlMs` after it was loaded. Concurrent misses of
 * one key share one load. Past half its life a value is loaded again in the background
 * while the old one is still served, so a busy caller's requests do not all wait for the
 * round trip at expiry (under load it queues behind the caller's other requests).
 */
export function refreshingCache<V>(
  options: RefreshingCacheOptions<V>,
): RefreshingCache<V> {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: V; loadedAt: number }>();
  const pending = new Map<string, Promise<V>>();

  function load(key: string, loader: () => Promise<V>): Promise<V> {
    const loading = loader()
      .then(value => {
        if (options.keep?.(value) ?? true) {
          if (entries.size >= maxEntries) entries.clear();
          entries.set(key, { value, loadedAt: now() });
        } else {
          entries.delete(key);
        }
        return value;
      })
      .finally(() => pending.delete(key));
    pending.set(key, loading);
    return loading;
  }

  return {
    get(key, loader) {
      const entry = entries.get(key);
      const age = entry ? now() - entry.loadedAt : Infinity;
      if (entry && age < options.ttlMs) {
        if (age >= options.ttlMs / 2 && !pending.has(key)) {
          // A failed refresh leaves the value to expire; the next caller then loads it.
          load(key, loader).catch(() => undefined);
        }
        return Promise.resolve(entry.value);
      }
      return pending.get(key) ?? load(key, loader);
    },
  };
}
