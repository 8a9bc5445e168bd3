/**
 * Every bar on the dashboards carries its value (a Recharts LabelList on each Bar), and the charts' summaries
 * say "1 conversion", not "1 conversions". Recharts draws nothing without a browser, so the bars are read from
 * the chart's element tree (the components are plain functions of their props).
 */
import { createElement, isValidElement, type ReactElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Bar, LabelList } from "recharts";
import { describe, expect, it } from "vitest";
import type { WorkspaceOverview } from "@/lib/analytics/dashboards";
import { ChannelRates, ChannelStages, DailyBars, FunnelBars } from "./charts";
import { formatMoney } from "./parts";
import { WorkspaceOverviewView } from "./workspace-overview";

type Props = { children?: ReactNode; formatter?: (v: unknown) => string };

function elements(node: ReactNode): ReactElement<Props>[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!isValidElement<Props>(node)) return [];
  return [node, ...elements(node.props.children)];
}

function barsOf(tree: ReactNode) {
  const bars = elements(tree).filter((e) => e.type === Bar);
  expect(bars.length).toBeGreaterThan(0);
  return bars.map((bar) => elements(bar.props.children).find((e) => e.type === LabelList));
}

const daily = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    day: `2026-04-${String(i + 1).padStart(2, "0")}`,
    events: i,
    revenue: i * 10.5,
  }));

describe("bar labels", () => {
  it("labels every bar of every bar chart", () => {
    const channels = [
      {
        label: "Email",
        sent: 10,
        delivered: 9,
        opened: 4,
        clicked: 2,
        notDelivered: 1,
        deliveryRate: 0.9,
        openRate: 0.44,
        clickRate: 0.22,
        bounceRate: 0.1,
      },
    ];
    const trees = [
      DailyBars({
        data: daily(7),
        series: { key: "events", label: "Events", color: "#000" },
        summary: "",
        testId: "a",
      }),
      DailyBars({
        data: daily(90),
        series: { key: "events", label: "Events", color: "#000" },
        summary: "",
        testId: "b",
      }),
      ChannelStages({ data: channels, summary: "", testId: "c" }),
      ChannelRates({ data: channels, summary: "", testId: "d" }),
      FunnelBars({ data: [{ label: "Signed up", entered: 1204, ofStart: 1 }], summary: "", testId: "e" }),
    ];
    for (const tree of trees) for (const label of barsOf(tree)) expect(label).toBeDefined();
  });

  it("writes the value the way the chart's numbers read: counts grouped, rates in percent, revenue as money", () => {
    const [count] = barsOf(
      DailyBars({
        data: daily(7),
        series: { key: "events", label: "Events", color: "#000" },
        summary: "",
        testId: "a",
      }),
    );
    expect(count!.props.formatter!(1204)).toBe("1,204");
    const [rate] = barsOf(
      ChannelRates({
        data: [{ label: "Email", deliveryRate: 0.9, openRate: null, clickRate: null, bounceRate: null }],
        summary: "",
        testId: "d",
      }),
    );
    expect(rate!.props.formatter!(0.9)).toBe("90%");
    const [money] = barsOf(
      DailyBars({
        data: daily(7),
        series: { key: "revenue", label: "Revenue", color: "#000", format: "money" },
        summary: "",
        testId: "r",
      }),
    );
    expect(money!.props.formatter!(12.5)).toBe(formatMoney(12.5));
    expect(formatMoney(12.5)).toContain("12.50");
  });
});

describe("counts in the overview's words", () => {
  it("puts a count of one in the singular", () => {
    const overview: WorkspaceOverview = {
      range: { from: "2026-04-01", to: "2026-04-01", days: 1 },
      generatedAt: "2026-04-02T12:00:00.000Z",
      updatedAt: null,
      totals: {
        events: 3,
        entered: 1,
        conversions: 1,
        activeNow: 0,
        sent: 1,
        revenue: 20,
        orders: 1,
        averageOrderValue: 20,
        revenuePerEntered: 20,
      },
      daily: [{ day: "2026-04-01", events: 3, entered: 1, conversions: 1, sent: 1, revenue: 20, orders: 1 }],
      channels: [],
      journeys: [],
    };
    const html = renderToStaticMarkup(
      createElement(WorkspaceOverviewView, { slug: "acme", overview, canManageKeys: false }),
    );
    expect(html).toContain("1 entry and 1 conversion in all.");
    expect(html).toContain("from 1 order in all.");
    expect(html).not.toMatch(/\b1 (conversions|orders|entries)\b/);
  });
});
