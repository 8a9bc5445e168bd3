import { describe, expect, it } from "vitest";
import { retryAfterMs } from "./retry-after";

describe("retryAfterMs", () => {
  const now = new Date("2026-10-21T07:20:00Z");
  it("reads whole seconds and HTTP dates", () => {
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Wed, 21 Oct 2026 07:28:00 GMT", now)).toBe(480_000);
    expect(retryAfterMs("Wed, 21 Oct 2026 07:00:00 GMT", now)).toBe(0);
  });
  it("ignores what it cannot read", () => {
    for (const header of [undefined, null, "", "soon", "-5", "1.5", "12345678901", "21 Oct 2026 07:28:00"])
      expect(retryAfterMs(header, now), String(header)).toBeUndefined();
  });
});
