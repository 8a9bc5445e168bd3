/**
 * Runs `fn` over `items` with at most `limit` running at once, starting them in order; resolves when all have
 * finished and rejects with the first error (the others still run to their end).
 */
export async function forEachAtMost<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]);
    }),
  );
}
