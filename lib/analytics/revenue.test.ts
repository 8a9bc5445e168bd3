import { describe, expect, it } from "vitest";
import { revenueOf } from "./revenue";

describe("revenueOf: an order's value from the converting event", () => {
  it("is null without a revenue property: not an order", () => {
    expect(revenueOf({ total: 10 }, undefined)).toBeNull();
    expect(revenueOf({ total: 10 }, null)).toBeNull();
  });

  it("reads a number, or a string that is a plain decimal number", () => {
    expect(revenueOf({ total: 19.99 }, "total")).toBe("19.99");
    expect(revenueOf({ revenue: " 42 " }, "revenue")).toBe("42");
    expect(revenueOf({ total: "-5.25" }, "total")).toBe("-5.25");
  });

  it("is 0 (an order without a value) for anything else", () => {
    for (const value of [
      undefined,
      "free",
      "1e3",
      "12,50",
      true,
      { amount: 3 },
      [1],
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1e15,
      "123456789012345",
    ]) {
      expect(revenueOf({ total: value }, "total")).toBe("0");
    }
    expect(revenueOf(null, "total")).toBe("0");
  });
});
