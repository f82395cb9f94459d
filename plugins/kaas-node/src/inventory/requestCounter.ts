/** How many requests the inventory started against API servers, by purpose. @public */
export interface InventoryRequestCounts {
  /** List requests (one per page). */
  lists: number;
  /** Watch requests. */
  watches: number;
  /** API discovery requests (is an optional kind served?). */
  discovery: number;
}

/** Counts the requests of one inventory. */
export class RequestCounter {
  private readonly counts: InventoryRequestCounts = {
    lists: 0,
    watches: 0,
    discovery: 0,
  };

  count(purpose: keyof InventoryRequestCounts): void {
    this.counts[purpose] += 1;
  }

  snapshot(): InventoryRequestCounts {
    return { ...this.counts };
  }
}
