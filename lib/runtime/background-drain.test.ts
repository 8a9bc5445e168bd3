import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backgroundDrain } from "./background-drain";

let name = 0;
const uniqueName = () => `test drain ${++name}`;

describe("backgroundDrain", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs soon after a kick, and once more for a kick that arrives while it runs", async () => {
    let runs = 0;
    let release!: () => void;
    const drain = backgroundDrain(
      uniqueName(),
      async () => {
        runs++;
        if (runs === 1) await new Promise<void>((r) => (release = r));
        return false;
      },
      60_000,
    );
    drain.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    drain.kick(); // arrives mid-run: must not be lost
    await vi.advanceTimersByTimeAsync(0);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(2);
  });

  it("with a minimum interval, coalesces a stream of kicks into one run per interval", async () => {
    let runs = 0;
    const drain = backgroundDrain(
      uniqueName(),
      async () => {
        runs++;
        return false;
      },
      60_000,
      500,
    );
    drain.kick(); // the first kick runs at once: nothing ran before
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    for (let i = 0; i < 20; i++) {
      drain.kick();
      await vi.advanceTimersByTimeAsync(50);
    }
    // 1,000 ms of kicks every 50 ms: runs at 500 and 1,000 ms after the first, not twenty
    expect(runs).toBe(3);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(runs).toBe(3); // no kick, no run (until the sweep)
  });

  it("keeps stepping while a step says there may be more", async () => {
    const batches = [true, true, false];
    let steps = 0;
    const drain = backgroundDrain(
      uniqueName(),
      async () => {
        steps++;
        return batches.shift() ?? false;
      },
      60_000,
      500,
    );
    drain.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(steps).toBe(3);
  });
});
