import type { BroadcastResults } from "@/lib/broadcasts/results/assemble-results";

/**
 * What the results component shows, from the API's answer: pure, so every state is unit-tested
 * (results-view.test.ts). Numbers are formatted with a fixed locale so a server render and the browser agree.
 */

export const METRIC_LABELS = { open: "Open rate", click: "Click rate", conversion: "Conversion rate" } as const;
export type Metric = keyof typeof METRIC_LABELS;

/** While a broadcast may still change (it sends, or is paused mid-send), the page asks again this often. */
export const REFRESH_MS = 30_000;

export function shouldRefresh(status: string): boolean {
  return status === "SENDING" || status === "SCHEDULED" || status === "PAUSED";
}

const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const MONEY = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const count = (n: number) => COUNT.format(n);
export const money = (n: number | null) => (n === null ? "–" : MONEY.format(n));
export const rate = (r: number | null, digits = 1) => (r === null ? "–" : `${(r * 100).toFixed(digits)}%`);

export interface HeadlineCard {
  id: string;
  label: string;
  value: string;
  detail: string;
}

/**
 * The eight figures at the top: sent, delivered, open rate, click rate, conversions, revenue, unsubscribes, bounces.
 * A webhook broadcast has no deliveries, opens, clicks, unsubscribes or bounces to show: sent, failed, retried,
 * conversions and revenue instead (zeros would read as a failure).
 */
export function headlineCards(r: BroadcastResults): HeadlineCard[] {
  const t = r.totals;
  const sms = r.broadcast.channel === "sms";
  const [conversions, revenue] = outcomeCards(r);
  if (r.broadcast.channel === "webhook")
    return [
      { id: "sent", label: "Sent", value: count(t.sent), detail: `of ${count(t.audience)} requests answered 2xx` },
      {
        id: "failed",
        label: "Failed",
        value: count(t.failed),
        detail: "refused, answered another 4xx, or out of retries",
      },
      {
        id: "retried",
        label: "Retried",
        value: count(t.retried),
        detail: "needed another attempt (408, 429, 5xx or no answer)",
      },
      conversions,
      revenue,
    ];
  return [
    { id: "sent", label: "Sent", value: count(t.sent), detail: `of ${count(t.audience)} recipients` },
    { id: "delivered", label: "Delivered", value: count(t.delivered), detail: `${rate(t.deliveryRate)} of sent` },
    {
      id: "open-rate",
      label: "Open rate",
      value: rate(t.openRate),
      detail: sms ? "SMS reports no opens" : `${count(t.opened)} opened`,
    },
    { id: "click-rate", label: "Click rate", value: rate(t.clickRate), detail: `${count(t.clicked)} clicked` },
    conversions,
    revenue,
    {
      id: "unsubscribes",
      label: "Unsubscribes",
      value: count(t.unsubscribed),
      detail: `${rate(t.unsubscribeRate, 2)} of delivered`,
    },
    { id: "bounces", label: "Bounces", value: count(t.bounced), detail: `${rate(t.bounceRate, 2)} of sent` },
  ];
}

/** The conversions and revenue cards, the same for every channel. */
function outcomeCards(r: BroadcastResults): [HeadlineCard, HeadlineCard] {
  const t = r.totals;
  return [
    {
      id: "conversions",
      label: "Conversions",
      value: count(t.converted),
      detail: r.broadcast.conversionEvent
        ? `${rate(t.conversionRate)} of sent did “${r.broadcast.conversionEvent}” within ${r.broadcast.conversionWindowHours} h`
        : "no conversion event set",
    },
    {
      id: "revenue",
      label: "Revenue",
      value: money(t.revenue),
      detail: r.broadcast.conversionEvent
        ? `from ${count(t.orders)} ${t.orders === 1 ? "order" : "orders"} (the event’s “${r.revenueProperty}”)`
        : "no conversion event set",
    },
  ];
}

/** The columns of the variants table: a webhook broadcast's leave out what it cannot have (deliveries, opens, …). */
export type VariantColumn =
  | "recipients"
  | "sent"
  | "delivered"
  | "openRate"
  | "clickRate"
  | "failed"
  | "retried"
  | "converted"
  | "revenue"
  | "unsubscribed"
  | "bounced"
  | "notSent";

export const VARIANT_COLUMN_LABELS: Record<VariantColumn, string> = {
  recipients: "Recipients",
  sent: "Sent",
  delivered: "Delivered",
  openRate: "Open rate",
  clickRate: "Click rate",
  failed: "Failed",
  retried: "Retried",
  converted: "Converted",
  revenue: "Revenue",
  unsubscribed: "Unsubscribed",
  bounced: "Bounced",
  notSent: "Not sent",
};

export function variantColumns(channel: string): VariantColumn[] {
  return channel === "webhook"
    ? ["recipients", "sent", "failed", "retried", "converted", "revenue", "notSent"]
    : [
        "recipients",
        "sent",
        "delivered",
        "openRate",
        "clickRate",
        "converted",
        "revenue",
        "unsubscribed",
        "bounced",
        "notSent",
      ];
}

/** The series the chart draws: a webhook broadcast's has no opens or clicks. */
export function chartSeries(channel: string): ("sent" | "opened" | "clicked" | "converted")[] {
  return channel === "webhook" ? ["sent", "converted"] : ["sent", "opened", "clicked", "converted"];
}

/** The winner line, when a winner test decided (or is waiting to). */
export function winnerLine(r: BroadcastResults): string | null {
  if (r.winner) return `“${r.winner.label}” was sent to the rest${r.winner.reason ? `: ${r.winner.reason}` : "."}`;
  const b = r.broadcast;
  if (b.testPercent !== null && b.winnerAfterHours !== null && b.phase === "test")
    return `Testing on ${b.testPercent}% of the audience; the variant with the best ${(b.winnerMetric ?? "conversion") === "conversion" ? "conversion rate" : `${b.winnerMetric} rate`} goes to the rest ${b.winnerAfterHours} h after the start, once every test message is out.`;
  return null;
}

/** The series as the chart reads it: a label per point (an hour or a day in the viewer's zone). */
export function chartPoints(r: BroadcastResults, timeZone: string) {
  const hour = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  });
  const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone });
  return r.series.map((p) => ({
    label: p.unit === "hour" ? hour.format(new Date(p.at)) : day.format(new Date(p.at)),
    sent: p.sent,
    opened: p.opened,
    clicked: p.clicked,
    converted: p.converted,
  }));
}
