import {
  analyzeExperiment,
  type ArmData,
  DEFAULT_ANALYSIS_SETTINGS,
  EMPTY_ARM,
  type ExperimentAnalysis,
  MIN_ASSIGNED,
  MIN_CONVERSIONS,
} from "../../experiments/analysis";
import { HOLDOUT } from "../../experiments/weights";
import type { WinnerMetric } from "../schemas";

/**
 * A broadcast's variants as an experiment, analysed by the same code as a journey's A/B split
 * (lib/experiments/analysis.ts), so the experiments UI (arms table, banners, lift) renders it and the numbers mean
 * the same: intent-to-treat (every person assigned a variant counts in its denominator, sent or not), the first
 * variant is the control, the sequential test (always valid: the results page is looked at while it sends) with
 * Holm–Bonferroni over every comparison, and the sample-ratio check against the weights.
 *
 * The metric is what "converted" means in the analysis: the people who opened, who clicked, or who did the
 * conversion event within the window after their message was sent. Revenue and the holdout's incrementality only
 * for conversion: the held-out people get no message, so they cannot open or click one.
 *
 * With a winner test, only the test group is compared (the rest all got the winner, decided by this comparison).
 * Pure: the counts come from load-broadcast-results.ts.
 */

export const METRIC_NOUNS: Record<WinnerMetric, string> = {
  open: "open rate",
  click: "click rate",
  conversion: "conversion",
};

/** A variant's counts over the people the comparison covers (the test group of a winner test, else everyone). */
export interface VariantArmCounts {
  key: string;
  assigned: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  converted: number;
  revenue: number;
  revenueSquares: number;
  unsubscribed: number;
  bounced: number;
  complained: number;
}

export interface StatisticsInput {
  broadcastId: string;
  name: string;
  variants: { key: string; name: string; weight: number }[];
  holdoutPercent: number;
  /** null: no winner test (everyone got a variant) */
  testPercent: number | null;
  metric: WinnerMetric;
  conversionEvent: string | null;
  conversionWindowHours: number;
  revenueProperty: string;
  counts: VariantArmCounts[];
  holdout: { assigned: number; converted: number; revenue: number; revenueSquares: number } | null;
  now: Date;
}

/** A variant whose key is "holdout" must not be taken for the holdout. */
export const armIdOf = (key: string) => (key === HOLDOUT ? `variant:${key}` : key);
export const keyOfArm = (armId: string) => (armId === `variant:${HOLDOUT}` ? HOLDOUT : armId);

const metricCount = (c: VariantArmCounts, metric: WinnerMetric) =>
  metric === "open" ? c.opened : metric === "click" ? c.clicked : c.converted;

export function analyzeBroadcast(input: StatisticsInput): ExperimentAnalysis {
  const { metric } = input;
  const conversion = metric === "conversion";
  const withHoldout = conversion && input.holdoutPercent > 0 && input.holdout !== null;
  const byKey = new Map(input.counts.map((c) => [c.key, c]));
  const data: ArmData[] = input.variants.map(({ key }) => {
    const c = byKey.get(key);
    if (!c) return EMPTY_ARM(armIdOf(key));
    return {
      ...EMPTY_ARM(armIdOf(key)),
      assigned: c.assigned,
      messages: c.assigned,
      sent: c.sent,
      delivered: c.delivered,
      opened: c.opened,
      clicked: c.clicked,
      converted: metricCount(c, metric),
      revenue: conversion ? c.revenue : 0,
      revenueSquares: conversion ? c.revenueSquares : 0,
      unsubscribed: c.unsubscribed,
      bounced: c.bounced,
      complained: c.complained,
    };
  });
  if (withHoldout) {
    const h = input.holdout!;
    data.push({ ...EMPTY_ARM(HOLDOUT), ...h, matured: { assigned: 0, converted: 0 } });
  }

  const analysis = analyzeExperiment({
    journeyId: input.broadcastId,
    nodeId: "broadcast",
    computedAt: input.now,
    split: {
      nodeId: "broadcast",
      label: input.name,
      arms: input.variants.map((v) => ({ id: armIdOf(v.key), label: variantLabel(v), weight: v.weight })),
      holdout: withHoldout ? { weight: input.holdoutPercent } : undefined,
    },
    goal: {
      eventName: conversion ? input.conversionEvent : null,
      attributionHours: input.conversionWindowHours,
      revenueProperty: conversion && input.conversionEvent ? input.revenueProperty : null,
    },
    hasGoal: !conversion || input.conversionEvent !== null,
    data,
    expected: expectedCounts(input, data, withHoldout),
    currentWeights: Object.fromEntries(input.variants.map((v) => [armIdOf(v.key), v.weight])),
    settings: DEFAULT_ANALYSIS_SETTINGS,
  });
  return inBroadcastWords(analysis, input);
}

export const variantLabel = (v: { key: string; name: string }) => (v.name ? `${v.key}: ${v.name}` : `Variant ${v.key}`);

/**
 * What the assignment (lib/broadcasts/audience) expects: holdout first (holdoutPercent of everyone), then, with a
 * test, testPercent of the others in the test group (independent draws), and the variants by weight within it.
 */
function expectedCounts(input: StatisticsInput, data: ArmData[], withHoldout: boolean): Record<string, number> {
  const treated = data.filter((d) => d.armId !== HOLDOUT).reduce((n, d) => n + d.assigned, 0);
  const held = withHoldout ? input.holdout!.assigned : 0;
  const h = withHoldout ? input.holdoutPercent / 100 : 0;
  const t = input.testPercent === null ? 1 : input.testPercent / 100;
  // the holdout's share of (held + treated)
  const holdoutShare = h > 0 ? h / (h + (1 - h) * t) : 0;
  const total = treated + held;
  const expected: Record<string, number> = {};
  for (const v of input.variants) expected[armIdOf(v.key)] = (total * (1 - holdoutShare) * v.weight) / 100;
  if (withHoldout) expected[HOLDOUT] = total * holdoutShare;
  return expected;
}

/** The analysis speaks of journeys and conversions; a broadcast's page speaks of its own metric. */
function inBroadcastWords(analysis: ExperimentAnalysis, input: StatisticsInput): ExperimentAnalysis {
  const noun = METRIC_NOUNS[input.metric];
  const plural = input.metric === "open" ? "opens" : input.metric === "click" ? "clicks" : "conversions";
  const banners = analysis.banners.map((b) => {
    if (b.kind === "no_goal")
      return {
        ...b,
        message:
          "This broadcast has no conversion event: set one to compare the variants on conversions, or choose the open or click rate.",
      };
    if (b.kind === "no_data") return { ...b, message: "Nobody has been assigned a variant of this broadcast yet." };
    if (b.kind === "too_little_data")
      return {
        ...b,
        message:
          `Too little data to call a winner: every variant needs at least ${MIN_ASSIGNED} people and ${MIN_CONVERSIONS} ${plural}. ` +
          analysis.arms
            .filter((a) => a.assigned < MIN_ASSIGNED || a.converted < MIN_CONVERSIONS)
            .map((a) => `${a.label}: ${a.assigned} people, ${a.converted} ${plural}`)
            .join("; ") +
          ".",
      };
    return b;
  });
  const reword = (w: ExperimentAnalysis["winner"]) =>
    w && {
      ...w,
      reason: w.reason
        .replace(/: conversion /, `: ${noun} `)
        .replace("converts worse than", `has a lower ${noun} than`),
    };
  return { ...analysis, banners, winner: reword(analysis.winner), sequentialWinner: reword(analysis.sequentialWinner) };
}

export interface WinnerChoice {
  key: string;
  /** the sequential test called it (false: the best observed rate when the time was up) */
  significant: boolean;
  reason: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The variant that goes to the rest when the test time is up: the sequential test's winner when it has one;
 * otherwise the variant with the best observed rate (the first of equals), as Klaviyo and Mailchimp do: the rest
 * get a message either way, and the reason says the difference was not significant.
 */
export function chooseWinner(analysis: ExperimentAnalysis, metric: WinnerMetric, hours: number): WinnerChoice {
  const noun = METRIC_NOUNS[metric];
  const rates = analysis.arms.map((a) => `${a.label} ${pct(a.conversionRate)}`).join(", ");
  if (analysis.sequentialWinner) {
    return {
      key: keyOfArm(analysis.sequentialWinner.armId),
      significant: true,
      reason: `${analysis.sequentialWinner.reason}. Rates: ${rates}.`,
    };
  }
  const best = analysis.arms.reduce((a, b) => (b.conversionRate > a.conversionRate ? b : a));
  const why = analysis.srm?.mismatch
    ? "the sample-ratio check failed, so the test cannot be trusted"
    : `no variant was significantly better on ${noun} (sequential test)`;
  return {
    key: keyOfArm(best.armId),
    significant: false,
    reason: `After ${hours} h ${why}; sending "${best.label}", the best observed ${noun}. Rates: ${rates}.`,
  };
}
