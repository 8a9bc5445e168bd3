/**
 * bench:broadcast's figures from what the sink saw and what the CPU counters said, and the table it prints with
 * the targets beside them. Pure, so the arithmetic is tested (figures.test.ts).
 */
import type { SinkStats } from "./smtp-sink";

/** The targets of issue #19 on this 2-core machine. */
export const TARGETS = { allDeliveredMs: 10 * 60_000, firstMessageMs: 5_000, ratioToBare: 0.5 };

export interface CpuWindow {
  /** CPU ms used in the window, or null when it could not be read (a database on another machine) */
  nodeMs: number | null;
  databaseMs: number | null;
  sinkMs: number;
}

export interface BroadcastFigures {
  expected: number;
  delivered: number;
  duplicates: number;
  missingMessageId: number;
  /** from "send now" to the sink's first and last message */
  firstMessageMs: number | null;
  lastMessageMs: number | null;
  /** the middle 80 % of messages (10th to 90th percentile of arrivals) over the time they took */
  sustainedPerSecond: number | null;
  /** every message over the time from "send now" to the last */
  overallPerSecond: number | null;
  /** cores' worth of CPU over the wall time from "send now" to the last message (1 = one core busy) */
  nodeCores: number | null;
  databaseCores: number | null;
  sinkCores: number | null;
}

/** Messages per second over the middle 80 % of arrivals (10th to 90th percentile), or null with too few. */
export function middleRate(sink: Pick<SinkStats, "count" | "p10At" | "p90At">): number | null {
  if (sink.p10At === null || sink.p90At === null) return null;
  // the messages after the one at the 10th percentile, up to the one at the 90th
  const inWindow = Math.ceil(0.9 * sink.count) - Math.ceil(0.1 * sink.count);
  const window = sink.p90At - sink.p10At;
  return window > 0 && inWindow > 0 ? (inWindow * 1000) / window : null;
}

export function broadcastFigures(
  expected: number,
  startedAt: number,
  sink: SinkStats,
  cpu: CpuWindow,
): BroadcastFigures {
  const lastMessageMs = sink.lastAt === null ? null : sink.lastAt - startedAt;
  const cores = (ms: number | null) => (ms === null || !lastMessageMs ? null : ms / lastMessageMs);
  return {
    expected,
    delivered: sink.count,
    duplicates: sink.duplicates,
    missingMessageId: sink.missingMessageId,
    firstMessageMs: sink.firstAt === null ? null : sink.firstAt - startedAt,
    lastMessageMs,
    sustainedPerSecond: middleRate(sink),
    overallPerSecond: lastMessageMs ? (sink.count * 1000) / lastMessageMs : null,
    nodeCores: cores(cpu.nodeMs),
    databaseCores: cores(cpu.databaseMs),
    sinkCores: cores(cpu.sinkMs),
  };
}

/** A run is broken (the bench exits 1) when not every message arrived exactly once; a missed target is not. */
export function brokenRunProblems(f: BroadcastFigures): string[] {
  const problems: string[] = [];
  if (f.delivered !== f.expected) problems.push(`the sink received ${f.delivered} messages, expected ${f.expected}`);
  if (f.duplicates) problems.push(`${f.duplicates} Message-IDs arrived twice`);
  if (f.missingMessageId) problems.push(`${f.missingMessageId} messages had no Message-ID`);
  return problems;
}

const seconds = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
const rate = (n: number | null) => (n === null ? "–" : `${Math.round(n).toLocaleString("en")} msgs/s`);
const share = (cores: number | null, machineCores: number) =>
  cores === null
    ? "n/a"
    : `${cores.toFixed(2)} cores (${Math.round((cores / machineCores) * 100)} % of ${machineCores})`;
const verdict = (ok: boolean | null) => (ok === null ? "" : ok ? "met" : "MISSED");

/**
 * CPU ms per delivered message (Node and database): unlike a rate, barely moved by other work on the machine, so
 * it says what the pipeline costs when the rates say mostly how busy the machine was.
 */
function perMessage(f: BroadcastFigures): string {
  if (!f.delivered || f.lastMessageMs === null) return "–";
  const ms = (cores: number | null) => (cores === null ? null : (cores * f.lastMessageMs!) / f.delivered);
  const node = ms(f.nodeCores);
  const database = ms(f.databaseCores);
  if (node === null) return "–";
  if (database === null) return `${node.toFixed(2)} ms (Node; database n/a)`;
  return `${(node + database).toFixed(2)} ms (Node ${node.toFixed(2)} + database ${database.toFixed(2)})`;
}

/** The table's rows: what, the figure, the target, met or missed. */
export function figureRows(
  f: BroadcastFigures,
  bare: { perSecond: number; messages: number; concurrency: number; cpuMsPerMessage: number },
  machineCores: number,
): string[][] {
  const ratio = f.sustainedPerSecond === null ? null : f.sustainedPerSecond / bare.perSecond;
  const all = f.delivered === f.expected && f.lastMessageMs !== null;
  return [
    [
      "delivered (sink)",
      `${f.delivered.toLocaleString("en")} / ${f.expected.toLocaleString("en")}`,
      "all",
      verdict(f.delivered === f.expected),
    ],
    ["duplicate Message-IDs", String(f.duplicates), "0", verdict(f.duplicates === 0)],
    [
      "send now → first message",
      seconds(f.firstMessageMs),
      "≤ 5 s",
      verdict(f.firstMessageMs === null ? false : f.firstMessageMs <= TARGETS.firstMessageMs),
    ],
    [
      "send now → last message",
      seconds(f.lastMessageMs),
      "≤ 10 min (all)",
      verdict(all && f.lastMessageMs! <= TARGETS.allDeliveredMs),
    ],
    ["sustained (middle 80 %)", rate(f.sustainedPerSecond), "", ""],
    ["overall (all / time to last)", rate(f.overallPerSecond), "", ""],
    [
      `bare nodemailer loop (${bare.messages.toLocaleString("en")} msgs, ${bare.concurrency} in flight)`,
      rate(bare.perSecond),
      "",
      "",
    ],
    [
      "ratio broadcast ÷ bare (sustained)",
      ratio === null ? "–" : ratio.toFixed(2),
      "≥ 0.5",
      verdict(ratio === null ? false : ratio >= TARGETS.ratioToBare),
    ],
    ["Node CPU (the sender)", share(f.nodeCores, machineCores), "", ""],
    ["CPU per message, broadcast", perMessage(f), "", ""],
    ["CPU per message, bare loop (Node)", `${bare.cpuMsPerMessage.toFixed(2)} ms`, "", ""],
    ["database CPU", share(f.databaseCores, machineCores), "", ""],
    ["SMTP sink CPU (not Cairn's)", share(f.sinkCores, machineCores), "", ""],
  ];
}

/** Columns padded to their widest cell. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
