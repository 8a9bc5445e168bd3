import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { SlidingWindowLimiter } from "./preview-rate-limit";

function refusal(fn: () => void): AppError {
  try {
    fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error("expected a refusal");
}

describe("the preview rate limit", () => {
  it("allows the limit per workspace per minute, then answers rate_limited with Retry-After until the oldest use leaves the window", () => {
    const limiter = new SlidingWindowLimiter(20, 60_000);
    const start = new Date("2026-03-01T10:00:00Z");
    const at = (ms: number) => new Date(start.getTime() + ms);
    for (let i = 0; i < 20; i++) limiter.take("ws-a", at(i * 1_000), "previews");
    const refused = refusal(() => limiter.take("ws-a", at(25_000), "previews"));
    expect(refused).toBeInstanceOf(AppError);
    expect(refused.code).toBe("rate_limited");
    expect(refused.retryAfterSeconds).toBe(35); // the first preview (at 0 s) leaves the window at 60 s
    expect(refused.message).toBe("Too many previews: at most 20 a minute per workspace. Try again in 35 s.");
    // another workspace has its own allowance
    limiter.take("ws-b", at(25_000), "previews");
    // a refused preview is not counted: once the first use is a minute old, one more is allowed
    limiter.take("ws-a", at(60_001), "previews");
    expect(refusal(() => limiter.take("ws-a", at(60_002), "previews")).retryAfterSeconds).toBe(1);
  });
});
