import { describe, expect, it } from "vitest";
import { cpuBetween, cpuOfPids, parseProcStat, postmasterOf, treeCpuMs } from "./cpu";

describe("parseProcStat", () => {
  it("splits after the last parenthesis, so a command name with spaces and parentheses is read right", () => {
    const line = "4242 (post (gres) x) S 17 4242 4242 0 -1 4194304 3903 11908 0 0 250 50 30 20 20 0 1 0 2743";
    expect(parseProcStat(line, 100)).toEqual({
      pid: 4242,
      comm: "post (gres) x",
      ppid: 17,
      ownMs: 3_000,
      reapedMs: 500,
    });
  });
});

describe("treeCpuMs", () => {
  it("counts this process's CPU, and grows while it computes", () => {
    const before = treeCpuMs(process.pid)!;
    // compute until this process has used 200 ms of CPU by its own count (wall time would depend on the load)
    const start = process.cpuUsage();
    const used = () => {
      const { user, system } = process.cpuUsage(start);
      return (user + system) / 1000;
    };
    let x = 0;
    while (used() < 200) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    // /proc counts in clock ticks (10 ms): well over half of it must show
    expect(treeCpuMs(process.pid)! - before).toBeGreaterThanOrEqual(100);
  });

  it("is null for a process that does not exist", () => {
    expect(treeCpuMs(2 ** 22 + 1)).toBeNull();
  });
});

describe("postmasterOf", () => {
  it("is null when the pid is not a postgres backend on this machine (here: this Node process)", () => {
    expect(postmasterOf(process.pid)).toBeNull();
  });
});

describe("cpuBetween", () => {
  it("counts the difference of a process read twice, all of one that appeared, nothing of one that ended", () => {
    const before = new Map([
      [1, 100],
      [2, 50],
    ]);
    const after = new Map([
      [1, 160],
      [3, 30],
    ]);
    expect(cpuBetween(before, after)).toBe(90);
  });

  it("reads this process and leaves out one that does not exist", () => {
    const read = cpuOfPids([process.pid, 2 ** 22 + 1]);
    expect([...read.keys()]).toEqual([process.pid]);
  });
});
