import { describe, expect, it } from "vitest";
import { forEachAtMost } from "./at-most";

describe("forEachAtMost", () => {
  it("runs every item once, never more than the limit at a time", async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachAtMost([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5 * (n % 3)));
      seen.push(n);
      running--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it("does nothing for no items, and rejects with an item's error", async () => {
    await forEachAtMost([], 4, async () => {
      throw new Error("never called");
    });
    await expect(
      forEachAtMost([1, 2], 2, async (n) => {
        if (n === 2) throw new Error("item 2 failed");
      }),
    ).rejects.toThrow("item 2 failed");
  });
});
