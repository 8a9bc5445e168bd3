import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { superviseChild, type SupervisedChild } from "./supervise-child";

/** A clock and timers the test moves: nothing here waits for real seconds (only for real child processes). */
function fakeTime() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer: unknown) => void timers.splice(timers.indexOf(timer as (typeof timers)[number]), 1),
    /** The delays of the timers now pending. */
    pending: () => timers.map((t) => t.at - now),
    advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.fn();
      }
    },
  };
}

const node = (code: string) => () => spawn(process.execPath, ["-e", code], { stdio: ["pipe", "ignore", "ignore"] });

describe("superviseChild", () => {
  let supervised: SupervisedChild | undefined;
  afterEach(async () => {
    await supervised?.stop("SIGKILL");
    supervised = undefined;
  });

  /** Resolves with the restart delay of each exit, one promise per exit, in order. */
  function exits() {
    const waiting: ((ms: number) => void)[] = [];
    const seen: number[] = [];
    return {
      onExit: ({ restartInMs }: { restartInMs: number }) => {
        const next = waiting.shift();
        if (next) next(restartInMs);
        else seen.push(restartInMs);
      },
      next: () =>
        seen.length ? Promise.resolve(seen.shift()!) : new Promise<number>((resolve) => waiting.push(resolve)),
    };
  }

  it("restarts a child that keeps dying, after 1 s, doubling to 30 s", async () => {
    const time = fakeTime();
    const exit = exits();
    let starts = 0;
    supervised = superviseChild({ start: () => (starts++, node("process.exit(1)")()), ...time, onExit: exit.onExit });
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const delay = await exit.next();
      delays.push(delay);
      expect(time.pending()).toEqual([delay]); // not restarted before its time
      time.advance(delay - 1);
      expect(starts).toBe(i + 1);
      time.advance(1);
      expect(starts).toBe(i + 2);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(supervised.restarts).toBe(7);
  });

  it("starts the backoff over after a run that stayed up a minute", async () => {
    const time = fakeTime();
    const exit = exits();
    supervised = superviseChild({
      start: node("process.stdin.resume(); process.stdin.on('end', () => process.exit(2))"),
      ...time,
      onExit: exit.onExit,
    });
    const crash = async (afterMs: number) => {
      time.advance(afterMs); // how long this run stays up
      supervised!.current!.stdin!.end();
      return exit.next();
    };
    expect(await crash(10)).toBe(1000);
    time.advance(1000);
    expect(await crash(10)).toBe(2000);
    time.advance(2000);
    expect(await crash(10)).toBe(4000);
    time.advance(4000);
    expect(await crash(60_000)).toBe(1000);
  });

  it("stop() ends the child and cancels a pending restart", async () => {
    const time = fakeTime();
    const exit = exits();
    let starts = 0;
    supervised = superviseChild({ start: () => (starts++, node("process.exit(1)")()), ...time, onExit: exit.onExit });
    await exit.next();
    await supervised.stop();
    time.advance(60_000);
    expect(starts).toBe(1);
    expect(time.pending()).toEqual([]);

    const running = superviseChild({ start: node("setInterval(() => {}, 1000)"), ...time });
    const child = running.current!;
    await running.stop();
    expect(child.signalCode).toBe("SIGTERM");
    expect(running.current).toBeNull();
  });
});

describe("superviseChild, a child that cannot be spawned", () => {
  it("counts as an exit and is tried again later", async () => {
    const time = fakeTime();
    let starts = 0;
    const delays: number[] = [];
    const failed = new Promise<void>((resolve) => {
      const supervised = superviseChild({
        start: () => (starts++, spawn("/nonexistent/cairn-binary", [], { stdio: "ignore" })),
        ...time,
        onExit: ({ restartInMs }) => {
          delays.push(restartInMs);
          if (delays.length === 2) void supervised.stop().then(resolve);
          else setImmediate(() => time.advance(restartInMs)); // once the restart is scheduled
        },
      });
    });
    await failed;
    expect(delays).toEqual([1000, 2000]);
    expect(starts).toBe(2);
  });
});
