import { AppError } from "../errors";

/**
 * A per-key sliding-window rate limit, kept in this process's memory: right for one instance (several
 * instances behind a balancer each allow the limit). Used for template previews, which render a template
 * the caller wrote (up to the render budget each) as fast as someone can post them.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one use of `key` at `now`, or throws rate_limited (429, Retry-After: when the oldest use leaves the window). */
  take(key: string, now: Date, what: string): void {
    const t = now.getTime();
    const recent = (this.hits.get(key) ?? []).filter((at) => at > t - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0] + this.windowMs - t) / 1000));
      throw new AppError(
        "rate_limited",
        `Too many ${what}: at most ${this.limit} a minute per workspace. Try again in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    }
    recent.push(t);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.prune(t);
  }

  private prune(t: number): void {
    for (const [key, times] of this.hits)
      if (!times.length || times[times.length - 1] <= t - this.windowMs) this.hits.delete(key);
  }
}

/**
 * Previews per workspace per minute (CAIRN_PREVIEW_RATE_LIMIT, default 60). The editor previews 300 ms after
 * each pause in typing, so a tighter limit would interrupt an ordinary editing session.
 */
function previewLimit(): number {
  const configured = Number(process.env.CAIRN_PREVIEW_RATE_LIMIT);
  return Number.isInteger(configured) && configured > 0 ? configured : 60;
}
const globalLimiter = globalThis as typeof globalThis & { __cairnPreviewLimiter?: SlidingWindowLimiter };
export function previewLimiter(): SlidingWindowLimiter {
  return (globalLimiter.__cairnPreviewLimiter ??= new SlidingWindowLimiter(previewLimit(), 60_000));
}
