import { describe, expect, it } from "vitest";
import { broadcastFigures, brokenRunProblems, figureRows, formatTable, middleRate } from "./figures";
import type { SinkStats } from "./smtp-sink";

const sink = (over: Partial<SinkStats> = {}): SinkStats => ({
  type: "stats",
  count: 1_000,
  firstAt: 10_500,
  lastAt: 20_000,
  p10At: 11_000,
  p90At: 19_000,
  duplicates: 0,
  missingMessageId: 0,
  cpuMs: 1_000,
  ...over,
});

describe("middleRate", () => {
  it("is the messages between the 10th and the 90th percentile over the time between them", () => {
    expect(middleRate(sink())).toBe(100); // 800 messages in 8 s
  });

  it("is null without a window (nothing received, or every message in the same millisecond)", () => {
    expect(middleRate(sink({ count: 0, p10At: null, p90At: null }))).toBeNull();
    expect(middleRate(sink({ p10At: 5, p90At: 5 }))).toBeNull();
  });
});

describe("broadcastFigures", () => {
  it("measures from send now, and CPU as cores over the time to the last message", () => {
    const f = broadcastFigures(1_000, 10_000, sink(), { nodeMs: 15_000, databaseMs: null, sinkMs: 1_000 });
    expect(f).toMatchObject({
      firstMessageMs: 500,
      lastMessageMs: 10_000,
      sustainedPerSecond: 100,
      overallPerSecond: 100,
      nodeCores: 1.5,
      databaseCores: null,
      sinkCores: 0.1,
    });
    expect(brokenRunProblems(f)).toEqual([]);
  });

  it("calls a run with missing or repeated messages broken, naming what", () => {
    const f = broadcastFigures(1_001, 10_000, sink({ duplicates: 2, missingMessageId: 1 }), {
      nodeMs: 1,
      databaseMs: 1,
      sinkMs: 1,
    });
    expect(brokenRunProblems(f)).toEqual([
      "the sink received 1000 messages, expected 1001",
      "2 Message-IDs arrived twice",
      "1 messages had no Message-ID",
    ]);
  });
});

describe("figureRows", () => {
  it("puts each target beside its figure and says whether it was met", () => {
    const f = broadcastFigures(1_000, 10_000, sink({ firstAt: 16_000 }), {
      nodeMs: 2_000,
      databaseMs: 4_000,
      sinkMs: 0,
    });
    const rows = figureRows(f, { perSecond: 250, messages: 1_000, concurrency: 12, cpuMsPerMessage: 0.5 }, 2);
    const row = (what: string) => rows.find((r) => r[0].startsWith(what))!;
    expect(row("send now → first")).toEqual(["send now → first message", "6.00 s", "≤ 5 s", "MISSED"]);
    expect(row("send now → last")).toEqual(["send now → last message", "10.0 s", "≤ 10 min (all)", "met"]);
    expect(row("ratio")).toEqual(["ratio broadcast ÷ bare (sustained)", "0.40", "≥ 0.5", "MISSED"]);
    expect(row("database CPU")[1]).toBe("0.40 cores (20 % of 2)");
    // 2 s of Node and 4 s of database CPU over 1,000 messages
    expect(row("CPU per message, broadcast")[1]).toBe("6.00 ms (Node 2.00 + database 4.00)");
    expect(row("CPU per message, bare")[1]).toBe("0.50 ms");
    expect(
      formatTable([
        ["a", "bb"],
        ["ccc", "d"],
      ]),
    ).toBe("a    bb\nccc  d");
  });
});
