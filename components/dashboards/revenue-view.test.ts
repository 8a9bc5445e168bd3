/**
 * The journey analytics page and the overview show revenue: rendered to HTML as the server renders them, from
 * the shape the API returns (lib/analytics/dashboards.ts), and read back as text.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { JourneyAnalytics, WorkspaceOverview } from "@/lib/analytics/dashboards";
import { MESSAGE_ATTRIBUTION_RULE } from "@/lib/analytics/dashboards";
import { JourneyAnalyticsView } from "./journey-analytics-view";
import { WorkspaceOverviewView } from "./workspace-overview";

const range = { from: "2026-04-01", to: "2026-04-02", days: 2 };
const money = { revenue: 1250.5, orders: 4, averageOrderValue: 312.625, revenuePerEntered: 125.05 };
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
const cell = (html: string, testId: string) => text(html.split(`data-testid="${testId}"`)[1].split("</div></div>")[0]);

describe("revenue on the dashboards", () => {
  it("the journey analytics page shows revenue, orders, AOV, revenue per person, revenue per day and per message with the attribution rule", () => {
    const analytics: JourneyAnalytics = {
      journey: { id: "j1", name: "Welcome", status: "LIVE", version: 1 },
      range,
      generatedAt: "2026-04-02T12:00:00.000Z",
      updatedAt: "2026-04-02T12:00:00.000Z",
      totals: {
        entered: 10,
        completed: 5,
        exited: 0,
        failed: 0,
        conversions: 4,
        conversionRate: 0.4,
        activeNow: 1,
        sent: 12,
        ...money,
      },
      daily: [
        { day: "2026-04-01", entered: 10, sent: 12, conversions: 1, revenue: 1000, orders: 1 },
        { day: "2026-04-02", entered: 0, sent: 0, conversions: 3, revenue: 250.5, orders: 3 },
      ],
      funnel: [
        {
          nodeId: "t",
          type: "trigger.event",
          label: null,
          depth: 0,
          entered: 10,
          visits: 10,
          converted: 4,
          conversionRate: 0.4,
          ofStart: 1,
          inGraph: true,
        },
      ],
      channels: [],
      messages: [
        {
          nodeId: "welcome",
          label: "Welcome email",
          channel: "email",
          sent: 10,
          clicked: 2,
          conversions: 3,
          orders: 3,
          revenue: 1200,
          revenuePerRecipient: 120,
          inGraph: true,
        },
        {
          nodeId: "reminder",
          label: "Reminder",
          channel: "sms",
          sent: 2,
          clicked: 0,
          conversions: 1,
          orders: 1,
          revenue: 50.5,
          revenuePerRecipient: 25.25,
          inGraph: true,
        },
      ],
      attribution: MESSAGE_ATTRIBUTION_RULE,
    };
    const html = renderToStaticMarkup(createElement(JourneyAnalyticsView, { slug: "acme", analytics }));
    expect(cell(html, "stat-revenue")).toContain("1,250.50");
    expect(cell(html, "stat-orders")).toContain("4");
    expect(cell(html, "stat-aov")).toContain("312.63");
    expect(cell(html, "stat-revenue-per-person")).toContain("125.05");
    expect(html).toContain('data-testid="chart-revenue"');
    expect(html).toContain("Revenue per day, ");
    const table = text(html.split('data-testid="message-revenue-table"')[1].split("</table>")[0]);
    expect(table).toContain("Welcome email Email 10 3 3 1,200.00 120.00");
    expect(table).toContain("Reminder SMS 2 1 1 50.50 25.25");
    expect(text(html)).toContain("credited to the last message the person was sent in this journey before converting");
  });

  it("the overview shows the workspace's revenue figures and each journey's revenue", () => {
    const overview: WorkspaceOverview = {
      range,
      generatedAt: "2026-04-02T12:00:00.000Z",
      updatedAt: null,
      totals: { events: 20, entered: 10, conversions: 4, activeNow: 0, sent: 12, ...money },
      daily: [{ day: "2026-04-01", events: 20, entered: 10, conversions: 4, sent: 12, revenue: 1250.5, orders: 4 }],
      channels: [],
      journeys: [
        { id: "j1", name: "Welcome", status: "LIVE", entered: 10, conversions: 4, conversionRate: 0.4, ...money },
      ],
    };
    const html = renderToStaticMarkup(
      createElement(WorkspaceOverviewView, { slug: "acme", overview, canManageKeys: false }),
    );
    expect(cell(html, "stat-revenue")).toContain("1,250.50");
    expect(cell(html, "stat-aov")).toContain("312.63");
    const table = text(html.split('data-testid="journey-table"')[1].split("</table>")[0]);
    expect(table).toContain("Revenue Per person entered");
    expect(table).toContain("Welcome Live 10 4 40% 1,250.50 125.05");
  });
});
