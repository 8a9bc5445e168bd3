/**
 * Stored instants as JSON text, for every reader of events and profiles. Postgres holds instants JavaScript
 * cannot: 'infinity', '-infinity' (node-postgres reads them as the numbers ±Infinity), years past 275760 or
 * before 271822 BC (Prisma and node-postgres read them as an Invalid Date), and `toISOString()` throws a
 * RangeError on each. Ingestion refuses such timestamps (lib/ingest/limits.ts, TIMESTAMP_WINDOW), but rows
 * stored before it did, or written by hand, must not make a page or an API answer 500: such an instant reads
 * as null ("not a representable time"), and lists still sort by the stored value, in SQL.
 */
export function isoOrNull(value: unknown): string | null {
  if (!(value instanceof Date)) return null;
  return Number.isFinite(value.getTime()) ? value.toISOString() : null;
}

/** The day ("2026-11-22") of a stored date, or null when it is not representable (see isoOrNull). */
export function isoDayOrNull(value: unknown): string | null {
  return isoOrNull(value)?.slice(0, 10) ?? null;
}
