import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryDelayMs } from "./backoff";

describe("retry backoff", () => {
  it("follows Inngest's schedule with up to 30 s of jitter, capped at 2 h", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15].map((n) => retryDelayMs(n, () => 0) / 1000)).toEqual([
      15, 30, 60, 120, 300, 600, 1200, 2400, 3600, 7200, 7200,
    ]);
    expect(retryDelayMs(0, () => 0.999)).toBe(15_000 + 29_970);
  });

  it("reads Retry-After as seconds or as a date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter("2026-01-01T00:01:00.000Z", now)).toBe(60_000);
    expect(parseRetryAfter("2025-01-01T00:00:00Z", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
