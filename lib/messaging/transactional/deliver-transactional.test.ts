import { afterEach, describe, expect, it, vi } from "vitest";
import { afterResponse } from "./deliver-transactional";

/** When a transactional message is delivered after its answer: inside Next's `after`, or on its own outside a request. */

const jobs = process.env.CAIRN_BACKGROUND_JOBS;
afterEach(() => {
  if (jobs === undefined) delete process.env.CAIRN_BACKGROUND_JOBS;
  else process.env.CAIRN_BACKGROUND_JOBS = jobs;
  vi.restoreAllMocks();
});

describe("afterResponse", () => {
  it("hands the delivery to `after` inside a request", async () => {
    delete process.env.CAIRN_BACKGROUND_JOBS;
    const scheduled: (() => Promise<void>)[] = [];
    const deliver = vi.fn(async () => {});
    afterResponse((task) => scheduled.push(task), deliver);
    expect(deliver).not.toHaveBeenCalled();
    await scheduled[0]();
    expect(deliver).toHaveBeenCalledOnce();
  });

  it("runs it on its own where `after` throws (no Next request scope), and logs a delivery that fails", async () => {
    delete process.env.CAIRN_BACKGROUND_JOBS;
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    afterResponse(
      () => {
        throw new Error("`after` was called outside a request scope");
      },
      async () => {
        finished();
        throw new Error("database gone");
      },
    );
    await done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toHaveBeenCalledWith("[cairn] delivering a transactional message failed:", expect.any(Error));
  });

  it("does nothing when background jobs are off (tests deliver with their own clock)", () => {
    process.env.CAIRN_BACKGROUND_JOBS = "off";
    const run = vi.fn();
    const deliver = vi.fn(async () => {});
    afterResponse(run, deliver);
    expect(run).not.toHaveBeenCalled();
    expect(deliver).not.toHaveBeenCalled();
  });
});
