import { describe, expect, it } from "vitest";
import { type BroadcastResults, emptyFigures, ratesOf } from "@/lib/broadcasts/results/assemble-results";
import { chartPoints, chartSeries, headlineCards, shouldRefresh, variantColumns, winnerLine } from "./results-view";

function results(
  over: Partial<BroadcastResults["broadcast"]> = {},
  rest: Partial<BroadcastResults> = {},
): BroadcastResults {
  const totals = {
    ...emptyFigures(),
    audience: 1000,
    sent: 900,
    delivered: 880,
    opened: 440,
    clicked: 88,
    converted: 45,
    orders: 40,
    revenue: 1234.5,
    unsubscribed: 2,
    bounced: 20,
  };
  return {
    broadcast: {
      id: "b",
      name: "Sale",
      channel: "email",
      status: "SENT",
      phase: null,
      startedAt: "2026-03-01T10:00:00.000Z",
      completedAt: null,
      holdoutPercent: 0,
      testPercent: null,
      winnerAfterHours: null,
      winnerMetric: null,
      conversionEvent: "Order Completed",
      conversionWindowHours: 72,
      ...over,
    },
    computedAt: "2026-03-02T10:00:00.000Z",
    revenueProperty: "revenue",
    totals: { ...totals, ...ratesOf(totals, over.channel ?? "email") },
    variants: [],
    holdout: null,
    series: [
      { at: "2026-03-01T10:00:00.000Z", unit: "hour", sent: 900, opened: 10, clicked: 1, converted: 0 },
      { at: "2026-03-03T10:00:00.000Z", unit: "day", sent: 0, opened: 3, clicked: 0, converted: 1 },
    ],
    metric: "conversion",
    statistics: null,
    winner: null,
    ...rest,
  };
}

describe("the results view", () => {
  it("writes the eight headline figures with their rates", () => {
    const cards = Object.fromEntries(headlineCards(results()).map((c) => [c.id, c]));
    expect(Object.keys(cards)).toEqual([
      "sent",
      "delivered",
      "open-rate",
      "click-rate",
      "conversions",
      "revenue",
      "unsubscribes",
      "bounces",
    ]);
    expect(cards.sent).toMatchObject({ value: "900", detail: "of 1,000 recipients" });
    expect(cards["open-rate"].value).toBe("50.0%");
    expect(cards["click-rate"].value).toBe("10.0%");
    expect(cards.conversions.detail).toBe("5.0% of sent did “Order Completed” within 72 h");
    expect(cards.revenue).toMatchObject({ value: "1,234.50", detail: "from 40 orders (the event’s “revenue”)" });
    expect(cards.bounces.detail).toBe("2.22% of sent");
  });

  it("says when there is no conversion event, and that an SMS has no opens", () => {
    const cards = Object.fromEntries(
      headlineCards(results({ conversionEvent: null, channel: "sms" })).map((c) => [c.id, c]),
    );
    expect(cards.conversions.detail).toBe("no conversion event set");
    expect(cards["open-rate"]).toMatchObject({ value: "–", detail: "SMS reports no opens" });
  });

  it("names the winner with its reason, or says how the test will decide", () => {
    expect(winnerLine(results())).toBeNull();
    expect(winnerLine(results({ testPercent: 20, winnerAfterHours: 4, winnerMetric: "open", phase: "test" }))).toBe(
      "Testing on 20% of the audience; the variant with the best open rate goes to the rest 4 h after the start, once every test message is out.",
    );
    expect(
      winnerLine(results({}, { winner: { key: "B", label: "Variant B", decidedAt: null, reason: "B beats A" } })),
    ).toBe("“Variant B” was sent to the rest: B beats A");
  });

  it("refreshes only while the broadcast may change", () => {
    expect(["SENDING", "SCHEDULED", "PAUSED"].map(shouldRefresh)).toEqual([true, true, true]);
    expect(["DRAFT", "SENT", "CANCELLED"].map(shouldRefresh)).toEqual([false, false, false]);
  });

  it("labels hourly points with the time and daily points with the day, in the viewer's zone", () => {
    expect(chartPoints(results(), "Europe/Berlin").map((p) => p.label)).toEqual(["1 Mar, 11:00", "3 Mar"]);
  });
});

describe("a webhook broadcast's results", () => {
  it("shows sent, failed and retried instead of deliveries, opens, clicks, unsubscribes and bounces", () => {
    const r = results({ channel: "webhook" });
    r.totals = { ...r.totals, failed: 7, retried: 12 };
    const cards = headlineCards(r);
    expect(cards.map((c) => c.id)).toEqual(["sent", "failed", "retried", "conversions", "revenue"]);
    expect(cards.map((c) => c.value).slice(0, 3)).toEqual(["900", "7", "12"]);
    expect(variantColumns("webhook")).toEqual([
      "recipients",
      "sent",
      "failed",
      "retried",
      "converted",
      "revenue",
      "notSent",
    ]);
    expect(variantColumns("email")).toContain("openRate");
    expect(chartSeries("webhook")).toEqual(["sent", "converted"]);
    expect(chartSeries("push")).toEqual(["sent", "opened", "clicked", "converted"]);
  });
});
