/** The results as the page renders them on the server (the chart draws in the browser): every part, from a real analysis. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { assembleResults } from "@/lib/broadcasts/results/assemble-results";
import type { BroadcastForResults } from "@/lib/broadcasts/results/load-broadcast-results";
import { BroadcastResultsView } from "./broadcast-results";

const T0 = new Date("2026-03-01T10:00:00.000Z");

function broadcast(over: Partial<BroadcastForResults> = {}): BroadcastForResults {
  return {
    id: "b1",
    workspaceId: "w1",
    name: "Spring sale",
    channel: "email",
    status: "SENDING",
    phase: null,
    variants: [
      { key: "A", name: "Plain", templateId: "t", weight: 50 },
      { key: "B", name: "", templateId: "t", weight: 50 },
    ],
    holdoutPercent: 10,
    testPercent: null,
    winnerAfterHours: null,
    winnerMetric: null,
    winnerVariant: null,
    winnerDecidedAt: null,
    conversionEvent: "Order Completed",
    conversionWindowHours: 72,
    timezone: "UTC",
    startedAt: T0,
    completedAt: null,
    createdAt: T0,
    ...over,
  };
}

const row = (variant: string, messages: number, opened: number) => ({
  variant,
  test: true,
  messages,
  queued: 0,
  sent: messages,
  delivered: messages,
  opened,
  clicked: Math.round(opened / 4),
  bounced: 1,
  failed: 0,
  retried: 0,
  suppressed: 2,
  cancelled: 0,
  unsubscribed: 1,
  complained: 0,
});

function render(over: Partial<BroadcastForResults> = {}, metric: "open" | "conversion" = "conversion") {
  const results = assembleResults({
    broadcast: broadcast(over),
    variants: [
      { key: "A", name: "Plain", weight: 50 },
      { key: "B", name: "", weight: 50 },
    ],
    metric,
    now: new Date(T0.getTime() + 5 * 3_600_000),
    counts: [row("A", 500, 100), row("B", 500, 160)],
    conversions: [
      { variant: "A", test: true, converted: 25, orders: 25, revenue: "250.5", revenueSquares: 4000 },
      { variant: "B", test: true, converted: 40, orders: 40, revenue: "480", revenueSquares: 9000 },
      { variant: null, test: true, converted: 5, orders: 5, revenue: "40", revenueSquares: 400 },
    ],
    holdoutCount: 110,
    series: [{ at: T0, sent: 1000, opened: 200, clicked: 50, converted: 20 }],
  });
  return renderToStaticMarkup(
    createElement(BroadcastResultsView, { results: { ...results, winner: null }, error: null, onMetric: () => {} }),
  );
}

describe("the broadcast results view", () => {
  it("shows the headline figures, a row per variant and the holdout, and the statistics with incrementality", () => {
    const html = render();
    for (const id of [
      "sent",
      "delivered",
      "open-rate",
      "click-rate",
      "conversions",
      "revenue",
      "unsubscribes",
      "bounces",
    ])
      expect(html).toContain(`data-testid="result-${id}"`);
    expect(html).toContain('data-variant="A"');
    expect(html).toContain('data-variant="B"');
    expect(html).toContain('data-variant="holdout"');
    expect(html).toContain("730.50"); // revenue of both variants
    expect(html).toContain('data-testid="arms-table"');
    expect(html).toContain('data-testid="incrementality"');
    expect(html).toContain('data-testid="broadcast-results-chart"');
    expect(html).not.toContain('data-testid="broadcast-winner"');
  });

  it("on opens, says what “converted” counts, and leaves the holdout out of the statistics", () => {
    const html = render({}, "open");
    expect(html).toContain("counts the people who opened");
    expect(html).not.toContain('data-testid="incrementality"');
  });

  it("says how a running winner test decides", () => {
    const html = render({ testPercent: 20, winnerAfterHours: 4, winnerMetric: "click", phase: "test" });
    expect(html).toContain('data-testid="broadcast-winner"');
    expect(html).toContain("the variant with the best click rate goes to the rest 4 h after the start");
  });

  it("for a webhook broadcast, has no delivery, open, click, unsubscribe or bounce figures or columns", () => {
    const html = render({ channel: "webhook" });
    for (const id of ["sent", "failed", "retried", "conversions", "revenue"])
      expect(html).toContain(`data-testid="result-${id}"`);
    for (const id of ["delivered", "open-rate", "click-rate", "unsubscribes", "bounces"])
      expect(html).not.toContain(`data-testid="result-${id}"`);
    const table = html.slice(html.indexOf('data-testid="variant-table"'));
    expect(table).toContain(">Retried<");
    expect(table).not.toContain(">Open rate<");
    expect(table).not.toContain(">Delivered<");
    expect(html).not.toContain('<option value="open">');
  });
});
