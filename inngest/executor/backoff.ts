/**
 * When to retry. Inngest's schedule for a failed attempt n (0 = the first retry): 15s, 30s, 1m, 2m, 5m,
 * 10m, 20m, 40m, 1h, 2h, then 2h, plus up to 30s of jitter so that a burst of failures does not retry
 * in lockstep. A `Retry-After` from the app (RetryAfterError) wins over the schedule.
 */

const SCHEDULE_MS = [15, 30, 60, 120, 300, 600, 1200, 2400, 3600, 7200].map((s) => s * 1000);
const MAX_JITTER_MS = 30_000;

/** Inngest's own limit on retries (a function's `retries` above it is rejected at registration). */
export const MAX_RETRIES = 20;
/** What Inngest uses when a function does not say. */
export const DEFAULT_RETRIES = 4;

export function retryDelayMs(retryIndex: number, random: () => number = Math.random): number {
  const base = SCHEDULE_MS[Math.min(Math.max(retryIndex, 0), SCHEDULE_MS.length - 1)];
  return base + Math.floor(random() * MAX_JITTER_MS);
}

/**
 * A `Retry-After` header as the SDK sends it: whole seconds ("30") or a date (RetryAfterError with a
 * Date sends ISO 8601). Returns the delay in ms from `nowMs`, or undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | undefined | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
