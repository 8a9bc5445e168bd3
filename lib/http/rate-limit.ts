import { AppError } from "../errors";

/**
 * A token bucket per key (an API key's id), kept in this process's memory: each key may spend `burst` requests at
 * once and earns `perSecond` back every second. In memory per instance: right for one Cairn process; N instances
 * behind a balancer each allow the limit (N × the rate in total), which still bounds what one key can queue.
 * A bucket that has refilled completely holds nothing worth keeping, so idle keys are dropped.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {
    if (!(perSecond > 0) || !(burst >= 1))
      throw new Error("a token bucket needs a positive rate and a burst of at least 1");
  }

  /** Spends one token of `key` at `now`, or throws rate_limited (429) with Retry-After: the whole seconds until the next token. */
  take(key: string, now: Date, what: string): void {
    const t = now.getTime();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    // time moving backwards (a clock step) earns nothing rather than taking tokens away
    const tokens = Math.min(this.burst, bucket.tokens + (Math.max(0, t - bucket.at) / 1000) * this.perSecond);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: t });
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
      throw new AppError(
        "rate_limited",
        `Too many ${what}: at most ${this.perSecond} a second per API key (bursts of ${this.burst}). Try again in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    }
    this.buckets.set(key, { tokens: tokens - 1, at: t });
    if (this.buckets.size > 10_000) this.prune(t);
  }

  private prune(t: number): void {
    for (const [key, bucket] of this.buckets)
      if (bucket.tokens + ((t - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
  }
}

/**
 * `CAIRN_SEND_RATE_LIMIT`: "<per second>" or "<per second>/<burst>" (default 100/200). A wrong value is an error at
 * the first send, not a silent default: a limit someone meant to set should not quietly be another one.
 */
export function parseRateLimit(value: string | undefined, fallback: { perSecond: number; burst: number }) {
  if (value === undefined || value.trim() === "") return fallback;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+)\s*)?$/.exec(value);
  const perSecond = match ? Number(match[1]) : NaN;
  if (!match || !(perSecond > 0))
    throw new Error(
      `CAIRN_SEND_RATE_LIMIT must be "<per second>" or "<per second>/<burst>", e.g. 100/200; got "${value}"`,
    );
  const burst = match[2] ? Number(match[2]) : Math.max(1, Math.ceil(perSecond * 2));
  if (burst < 1) throw new Error(`CAIRN_SEND_RATE_LIMIT's burst must be at least 1; got "${value}"`);
  return { perSecond, burst };
}

const SEND_DEFAULT = { perSecond: 100, burst: 200 };
const globalLimiter = globalThis as typeof globalThis & { __cairnSendLimiter?: TokenBucketLimiter };

/** The limiter of POST /api/v1/send, per API key (see CAIRN_SEND_RATE_LIMIT). */
export function sendLimiter(): TokenBucketLimiter {
  if (!globalLimiter.__cairnSendLimiter) {
    const { perSecond, burst } = parseRateLimit(process.env.CAIRN_SEND_RATE_LIMIT, SEND_DEFAULT);
    globalLimiter.__cairnSendLimiter = new TokenBucketLimiter(perSecond, burst);
  }
  return globalLimiter.__cairnSendLimiter;
}

/** Forgets the send limiter, so the next send reads CAIRN_SEND_RATE_LIMIT again (tests that change it). */
export function resetSendLimiter(): void {
  delete globalLimiter.__cairnSendLimiter;
}
