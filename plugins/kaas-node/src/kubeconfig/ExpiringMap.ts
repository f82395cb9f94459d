/**
 * A map whose entries lapse after a time to live. Lapsed entries are dropped whenever an
 * entry is set, so a map keyed by tenant holds only tenants seen within the last TTL,
 * never every tenant that ever was.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value, unless it is absent or lapsed. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    const now = this.now();
    for (const [k, entry] of this.entries) {
      if (entry.expires <= now) this.entries.delete(k);
    }
    this.entries.set(key, { value, expires: now + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Entries held, lapsed ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }
}
