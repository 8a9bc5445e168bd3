import { z } from "zod";
import type { WinnerMetric } from "../schemas";
import { analyzeBroadcast, variantLabel, type VariantArmCounts } from "./broadcast-statistics";
import type { BroadcastForResults } from "./load-broadcast-results";
import type { ConversionCounts, SeriesRowT, VariantCounts } from "./store/results";
import type { ExperimentAnalysis } from "../../experiments/analysis";

/**
 * The results' shape, and the pure step from the statements' rows to it (load-broadcast-results.ts says what each
 * number means and runs the statements): every phase per variant for the table, the test phase for the statistics.
 */

/** Broadcasts have no goal settings of their own: an order's value is this property of the conversion event. */
export const BROADCAST_REVENUE_PROPERTY = "revenue";
export const HOURLY_HOURS = 48;

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const toUnits = (decimal: string) => Math.round(Number(decimal) * 10_000);

export interface Rates {
  deliveryRate: number | null;
  openRate: number | null;
  clickRate: number | null;
  conversionRate: number | null;
  unsubscribeRate: number | null;
  bounceRate: number | null;
}

export interface VariantFigures {
  audience: number;
  queued: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  failed: number;
  /** needed another attempt after a retryable failure (webhook results show it) */
  retried: number;
  suppressed: number;
  cancelled: number;
  unsubscribed: number;
  complained: number;
  converted: number;
  orders: number;
  revenue: number;
}

export type VariantResult = { key: string; label: string; weight: number } & VariantFigures & Rates;

export interface BroadcastResults {
  broadcast: {
    id: string;
    name: string;
    channel: string;
    status: string;
    phase: string | null;
    startedAt: string | null;
    completedAt: string | null;
    holdoutPercent: number;
    testPercent: number | null;
    winnerAfterHours: number | null;
    winnerMetric: string | null;
    conversionEvent: string | null;
    conversionWindowHours: number;
  };
  computedAt: string;
  revenueProperty: string;
  totals: VariantFigures & Rates;
  variants: VariantResult[];
  holdout: { audience: number; converted: number; revenue: number; conversionRate: number | null } | null;
  series: { at: string; unit: "hour" | "day"; sent: number; opened: number; clicked: number; converted: number }[];
  /** the metric the statistics compare */
  metric: WinnerMetric;
  /** null with one variant and no holdout: nothing to compare */
  statistics: ExperimentAnalysis | null;
  /** the variant sent to the rest after a winner test, and why (from the audit log) */
  winner: { key: string; label: string; decidedAt: string | null; reason: string | null } | null;
}

/** What results read of a stored variant (the draft schemas checked the rest when it was saved). */
const ZStoredVariants = z.array(
  z.object({ key: z.string(), name: z.string().default(""), weight: z.number() }).loose(),
);

/** The variants as stored; a row that does not parse is a bug upstream, so it fails loudly. */
export function variantsOf(broadcast: { variants: unknown }): { key: string; name: string; weight: number }[] {
  return ZStoredVariants.parse(broadcast.variants);
}

export function emptyFigures(): VariantFigures {
  return {
    audience: 0,
    queued: 0,
    sent: 0,
    delivered: 0,
    opened: 0,
    clicked: 0,
    bounced: 0,
    failed: 0,
    retried: 0,
    suppressed: 0,
    cancelled: 0,
    unsubscribed: 0,
    complained: 0,
    converted: 0,
    orders: 0,
    revenue: 0,
  };
}

export function ratesOf(f: VariantFigures, channel: string): Rates {
  return {
    deliveryRate: ratio(f.delivered, f.sent),
    openRate: channel === "sms" ? null : ratio(f.opened, f.delivered),
    clickRate: ratio(f.clicked, f.delivered),
    conversionRate: ratio(f.converted, f.sent),
    unsubscribeRate: ratio(f.unsubscribed, f.delivered),
    bounceRate: ratio(f.bounced, f.sent),
  };
}

interface Assembly {
  broadcast: BroadcastForResults;
  variants: ReturnType<typeof variantsOf>;
  metric: WinnerMetric;
  now: Date;
  counts: VariantCounts[];
  conversions: ConversionCounts[];
  holdoutCount: number;
  series: SeriesRowT[];
}

/** Pure: the statements' rows into the results (all phases per variant; the test phase for the statistics). */
export function assembleResults(a: Assembly): Omit<BroadcastResults, "winner"> {
  const { broadcast, variants, metric } = a;
  const all = new Map<string, VariantFigures & { revenueUnits: number }>();
  const compared = new Map<string, VariantArmCounts>();
  const figuresOf = (key: string) => {
    let f = all.get(key);
    if (!f) all.set(key, (f = { ...emptyFigures(), revenueUnits: 0 }));
    return f;
  };
  const armOf = (key: string) => {
    let c = compared.get(key);
    if (!c)
      compared.set(
        key,
        (c = {
          key,
          assigned: 0,
          sent: 0,
          delivered: 0,
          opened: 0,
          clicked: 0,
          converted: 0,
          revenue: 0,
          revenueSquares: 0,
          unsubscribed: 0,
          bounced: 0,
          complained: 0,
        }),
      );
    return c;
  };
  for (const r of a.counts) {
    const f = figuresOf(r.variant);
    f.audience += r.messages;
    for (const k of [
      "queued",
      "sent",
      "delivered",
      "opened",
      "clicked",
      "bounced",
      "failed",
      "retried",
      "suppressed",
      "cancelled",
      "unsubscribed",
      "complained",
    ] as const)
      f[k] += r[k];
    if (r.test) {
      const c = armOf(r.variant);
      c.assigned += r.messages;
      for (const k of ["sent", "delivered", "opened", "clicked", "unsubscribed", "bounced", "complained"] as const)
        c[k] += r[k];
    }
  }
  let holdoutConverted = 0;
  let holdoutUnits = 0;
  let holdoutSquares = 0;
  for (const r of a.conversions) {
    if (r.variant === null) {
      holdoutConverted += r.converted;
      holdoutUnits += toUnits(r.revenue);
      holdoutSquares += r.revenueSquares;
      continue;
    }
    const f = figuresOf(r.variant);
    f.converted += r.converted;
    f.orders += r.orders;
    f.revenueUnits += toUnits(r.revenue);
    if (r.test) {
      const c = armOf(r.variant);
      c.converted += r.converted;
      c.revenue += Number(r.revenue);
      c.revenueSquares += r.revenueSquares;
    }
  }

  const channel = broadcast.channel;
  const variantResults: VariantResult[] = variants.map((v) => {
    const { revenueUnits, ...f } = figuresOf(v.key);
    const figures = { ...f, revenue: revenueUnits / 10_000 };
    return { key: v.key, label: variantLabel(v), weight: v.weight, ...figures, ...ratesOf(figures, channel) };
  });
  const totals = emptyFigures();
  let totalUnits = 0;
  for (const [key, { revenueUnits, ...f }] of all) {
    if (!variants.some((v) => v.key === key) && f.audience === 0) continue;
    for (const k of Object.keys(totals) as (keyof VariantFigures)[]) if (k !== "revenue") totals[k] += f[k];
    totalUnits += revenueUnits;
  }
  totals.revenue = totalUnits / 10_000;

  const hasHoldout = broadcast.holdoutPercent > 0;
  const comparable = variants.length > 1 || (hasHoldout && metric === "conversion");
  const statistics = comparable
    ? analyzeBroadcast({
        broadcastId: broadcast.id,
        name: broadcast.name,
        variants,
        holdoutPercent: broadcast.holdoutPercent,
        testPercent: broadcast.testPercent,
        metric,
        conversionEvent: broadcast.conversionEvent,
        conversionWindowHours: broadcast.conversionWindowHours,
        revenueProperty: BROADCAST_REVENUE_PROPERTY,
        counts: [...compared.values()],
        holdout: hasHoldout
          ? {
              assigned: a.holdoutCount,
              converted: holdoutConverted,
              revenue: holdoutUnits / 10_000,
              revenueSquares: holdoutSquares,
            }
          : null,
        now: a.now,
      })
    : null;

  const hourlyEnd = broadcast.startedAt ? broadcast.startedAt.getTime() + HOURLY_HOURS * 3_600_000 : 0;
  return {
    broadcast: {
      id: broadcast.id,
      name: broadcast.name,
      channel,
      status: broadcast.status,
      phase: broadcast.phase,
      startedAt: broadcast.startedAt?.toISOString() ?? null,
      completedAt: broadcast.completedAt?.toISOString() ?? null,
      holdoutPercent: broadcast.holdoutPercent,
      testPercent: broadcast.testPercent,
      winnerAfterHours: broadcast.winnerAfterHours,
      winnerMetric: broadcast.winnerMetric,
      conversionEvent: broadcast.conversionEvent,
      conversionWindowHours: broadcast.conversionWindowHours,
    },
    computedAt: a.now.toISOString(),
    revenueProperty: BROADCAST_REVENUE_PROPERTY,
    totals: { ...totals, ...ratesOf(totals, channel) },
    variants: variantResults,
    holdout: hasHoldout
      ? {
          audience: a.holdoutCount,
          converted: holdoutConverted,
          revenue: holdoutUnits / 10_000,
          conversionRate: ratio(holdoutConverted, a.holdoutCount),
        }
      : null,
    series: a.series.map((p) => ({
      at: p.at.toISOString(),
      unit: p.at.getTime() < hourlyEnd ? "hour" : "day",
      sent: p.sent,
      opened: p.opened,
      clicked: p.clicked,
      converted: p.converted,
    })),
    metric,
    statistics,
  };
}
