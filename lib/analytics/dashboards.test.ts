import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { daysOf, parseDashboardQuery } from "./dashboards";
import { graphOrder } from "./graph-order";
import { mergeRanges } from "./utc-days";

const NOW = new Date("2026-03-10T15:00:00Z");

function fieldsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return { code: (error as AppError).code, fields: (error as AppError).fields.map((f) => f.path) };
  }
  throw new Error("did not throw");
}

describe("parseDashboardQuery", () => {
  it("defaults to the last 30 days, today included (UTC)", () => {
    expect(parseDashboardQuery({}, NOW)).toEqual({ from: "2026-02-09", to: "2026-03-10", days: 30 });
    expect(parseDashboardQuery({ to: "2026-01-31" }, NOW)).toEqual({ from: "2026-01-02", to: "2026-01-31", days: 30 });
    expect(parseDashboardQuery({ from: "2026-03-01", to: "" }, NOW)).toEqual({
      from: "2026-03-01",
      to: "2026-03-10",
      days: 10,
    });
    expect(parseDashboardQuery({ from: "2025-03-11" }, NOW).days).toBe(365);
  });

  it("refuses from after to, more than 366 days and bad dates, naming the field", () => {
    expect(fieldsOf(() => parseDashboardQuery({ from: "2026-03-11" }, NOW))).toEqual({
      code: "validation",
      fields: ["from"],
    });
    expect(fieldsOf(() => parseDashboardQuery({ from: "2024-01-01", to: "2025-01-01" }, NOW))).toEqual({
      code: "validation",
      fields: ["to"],
    });
    expect(parseDashboardQuery({ from: "2024-01-01", to: "2024-12-31" }, NOW).days).toBe(366); // a leap year is allowed
    expect(fieldsOf(() => parseDashboardQuery({ from: "10/03/2026", to: "2026-13-01" }, NOW))).toEqual({
      code: "validation",
      fields: ["from", "to"],
    });
  });

  it("lists every day of the range", () => {
    expect(daysOf({ from: "2026-02-27", to: "2026-03-02", days: 4 })).toEqual([
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
      "2026-03-02",
    ]);
  });
});

describe("graphOrder", () => {
  const n = (id: string, y: number, x = 0) => ({ id, position: { x, y } });

  it("lists nodes after the nodes leading to them, one branch at a time from the left, with their depth", () => {
    const nodes = [
      n("yes_mail", 200, -100),
      n("end", 400),
      n("trigger", 0),
      n("no_mail", 200, 100),
      n("cond", 100),
      n("wait", 300, -100),
    ];
    const edges = [
      { source: "trigger", target: "cond" },
      { source: "cond", target: "yes_mail" },
      { source: "cond", target: "no_mail" },
      { source: "yes_mail", target: "wait" },
      { source: "wait", target: "end" },
      { source: "no_mail", target: "end" },
    ];
    expect(graphOrder(nodes, edges).map(({ node, depth }) => `${node.id}:${depth}`)).toEqual([
      "trigger:0",
      "cond:1",
      "yes_mail:2",
      "wait:3",
      "no_mail:2",
      "end:4",
    ]);
  });

  it("keeps every node: cycles and stray edges do not lose any", () => {
    const nodes = [n("a", 0), n("b", 100), n("c", 200)];
    const order = graphOrder(nodes, [
      { source: "b", target: "c" },
      { source: "c", target: "b" },
      { source: "a", target: "ghost" },
    ]);
    expect(order.map(({ node }) => node.id)).toEqual(["a", "b", "c"]);
  });
});

describe("mergeRanges", () => {
  const d = (day: string) => new Date(`${day}T00:00:00Z`);
  it("merges touching and overlapping day ranges and drops empty ones", () => {
    const merged = mergeRanges([
      { from: d("2026-03-09"), to: d("2026-03-12") },
      { from: d("2026-03-08"), to: d("2026-03-09") },
      { from: d("2026-03-01"), to: d("2026-03-02") },
      { from: d("2026-03-10"), to: d("2026-03-11") },
      { from: d("2026-03-05"), to: d("2026-03-05") },
    ]);
    expect(merged.map((r) => [r.from.toISOString().slice(0, 10), r.to.toISOString().slice(0, 10)])).toEqual([
      ["2026-03-01", "2026-03-02"],
      ["2026-03-08", "2026-03-12"],
    ]);
  });
});
