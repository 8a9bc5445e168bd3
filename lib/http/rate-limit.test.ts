import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { parseRateLimit, TokenBucketLimiter } from "./rate-limit";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 14, 12) + ms);

function refusal(limiter: TokenBucketLimiter, key: string, now: Date): AppError | null {
  try {
    limiter.take(key, now, "sends");
    return null;
  } catch (error) {
    return error as AppError;
  }
}

describe("TokenBucketLimiter", () => {
  it("allows a burst, then the rate, refusing with 429 and Retry-After until a token is earned", () => {
    const limiter = new TokenBucketLimiter(2, 3);
    for (let i = 0; i < 3; i++) expect(refusal(limiter, "key", at(0))).toBeNull();
    const refused = refusal(limiter, "key", at(0));
    expect(refused).toMatchObject({ code: "rate_limited", retryAfterSeconds: 1 });
    expect(refused?.message).toBe("Too many sends: at most 2 a second per API key (bursts of 3). Try again in 1 s.");
    // half a second earns one token (2 a second), not two
    expect(refusal(limiter, "key", at(499))).not.toBeNull();
    expect(refusal(limiter, "key", at(500))).toBeNull();
    expect(refusal(limiter, "key", at(500))).not.toBeNull();
    // a long pause refills to the burst, never beyond
    for (let i = 0; i < 3; i++) expect(refusal(limiter, "key", at(60_000))).toBeNull();
    expect(refusal(limiter, "key", at(60_000))).not.toBeNull();
  });

  it("keeps a bucket per key", () => {
    const limiter = new TokenBucketLimiter(1, 1);
    expect(refusal(limiter, "a", at(0))).toBeNull();
    expect(refusal(limiter, "a", at(0))).not.toBeNull();
    expect(refusal(limiter, "b", at(0))).toBeNull();
  });

  it("a slow rate answers how many whole seconds until the next token", () => {
    const limiter = new TokenBucketLimiter(0.1, 1);
    expect(refusal(limiter, "k", at(0))).toBeNull();
    expect(refusal(limiter, "k", at(2_500))?.retryAfterSeconds).toBe(8);
  });

  it("a clock that steps back earns nothing and takes nothing away", () => {
    const limiter = new TokenBucketLimiter(1, 1);
    expect(refusal(limiter, "k", at(10_000))).toBeNull();
    expect(refusal(limiter, "k", at(0))).not.toBeNull();
    expect(refusal(limiter, "k", at(11_000))).toBeNull();
  });

  it("refuses a rate or burst that could never admit anything", () => {
    expect(() => new TokenBucketLimiter(0, 5)).toThrow();
    expect(() => new TokenBucketLimiter(5, 0)).toThrow();
  });
});

describe("parseRateLimit (CAIRN_SEND_RATE_LIMIT)", () => {
  const fallback = { perSecond: 100, burst: 200 };
  it("reads a rate, a rate and a burst, or nothing", () => {
    expect(parseRateLimit(undefined, fallback)).toEqual(fallback);
    expect(parseRateLimit(" ", fallback)).toEqual(fallback);
    expect(parseRateLimit("50", fallback)).toEqual({ perSecond: 50, burst: 100 });
    expect(parseRateLimit("50/10", fallback)).toEqual({ perSecond: 50, burst: 10 });
    expect(parseRateLimit("0.5", fallback)).toEqual({ perSecond: 0.5, burst: 1 });
  });
  it("refuses what it cannot read, rather than quietly using the default", () => {
    for (const bad of ["fast", "0", "-5", "10/0", "10/x", "1e3"])
      expect(() => parseRateLimit(bad, fallback), bad).toThrow(/CAIRN_SEND_RATE_LIMIT/);
  });
});
