/**
 * Calls `fn` for every item with at most `limit` calls running at once, reporting each
 * result as it settles; resolves when all have settled.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  onSettled: (item: T, result: { value: R } | { error: Error }) => void,
): Promise<void> {
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const item = items[next++];
      try {
        onSettled(item, { value: await fn(item) });
      } catch (e) {
        onSettled(item, {
          error: e instanceof Error ? e : new Error(String(e)),
        });
      }
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(Math.max(limit, 1), items.length) }, worker),
  );
}
