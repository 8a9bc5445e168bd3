import { NODE_CONFIGS, type TJourneyGraph } from "../journeys/graph";
import {
  adjustedConfidenceInterval,
  bayesianTest,
  decideArmStatus,
  DEFAULT_ALPHA,
  DEFAULT_SEQUENTIAL_N_STAR,
  hasEnoughData,
  adjustPValues,
  probabilityToBeBest,
  sampleRatioMismatch,
  sequentialTest,
  welchTTest,
  type ArmStatus,
  type MeanSummary,
  type MetricSummary,
  type PValueCorrection,
  type ProportionSummary,
} from "./stats";
import { HOLDOUT, type SplitConfigLike, type WeightMap } from "./weights";

/**
 * Intent-to-treat analysis of one A/B split node: everyone assigned to an arm counts in that arm's
 * denominator, whether or not a message reached them. This file is the pure half (the counts come from
 * lib/experiments/load-split-data.ts):
 *
 * - `analyzeExperiment` (pure): lift of every arm against control (the first arm) on conversion rate and on
 *   revenue per assigned person, relative, with a confidence interval and p-value from either the
 *   sequential test (always valid: the page is looked at every day; the default) or the fixed-horizon
 *   Welch test, as configured and stated in the result; p-values and intervals adjusted with the
 *   experiment's correction (Holm–Bonferroni by default, or Benjamini–Hochberg) over ONE family: every
 *   treatment arm × (conversion rate, revenue per person when there is a revenue property, and each
 *   guardrail that could be tested), so looking at more metrics does not manufacture winners; Bayesian
 *   chance to win and risk (expected loss of shipping the arm, and of keeping control) of the relative
 *   conversion lift, under a flat prior or the experiment's normal prior N(mean, sd²) on that lift; the
 *   exact Beta–Bernoulli probability each arm is best; the sample-ratio check; each arm's status
 *   (decideArmStatus on the adjusted conversion p-value); banners (sample
 *   ratio mismatch; too little data: fewer than 100 assigned or 20 conversions in an arm); incrementality
 *   of the journey against the holdout (extra conversions and revenue among the treated). The holdout is
 *   never a treatment arm: it receives nothing, and is only compared with everyone treated.
 *
 * Every number in the result is finite or null, so it stores as JSON (ExperimentResult.result).
 */

export type TestMethod = "sequential" | "fixed";
/** multiple-testing correction across every comparison of one evaluation (arms × metrics) */
export type Correction = "holm" | "bh";
export const CORRECTIONS = ["holm", "bh"] as const;

/** A proper normal prior on the relative conversion lift (0.02 = +2%), for the Bayesian chance to win and risk. */
export interface LiftPrior {
  mean: number;
  sd: number;
}

export interface AnalysisSettings {
  test: TestMethod;
  alpha: number;
  /** the sequential test's tuning: the total sample size where its interval is tightest */
  nStar: number;
  correction: Correction;
  /** null: a flat prior (the data alone) */
  prior: LiftPrior | null;
}

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = {
  test: "sequential",
  alpha: DEFAULT_ALPHA,
  nStar: DEFAULT_SEQUENTIAL_N_STAR,
  correction: "holm",
  prior: null,
};
export const MIN_ASSIGNED = 100;
export const MIN_CONVERSIONS = 20;

export const TEST_LABELS: Record<TestMethod, string> = {
  sequential: "sequential (always valid)",
  fixed: "fixed horizon",
};
export const CORRECTION_LABELS: Record<Correction, string> = { holm: "Holm–Bonferroni", bh: "Benjamini–Hochberg" };
const CORRECTION_METHODS: Record<Correction, PValueCorrection> = { holm: "holm-bonferroni", bh: "benjamini-hochberg" };

export interface ArmData {
  armId: string;
  assigned: number;
  messages: number;
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
  matured: { assigned: number; converted: number };
  /** holdout only: see lib/experiments/load-split-data.ts */
  wouldHaveMessaged?: WouldHaveMessaged;
}

/** Held-out people who reached a message (or webhook) step on the control path, which was withheld. */
export interface WouldHaveMessaged {
  people: number;
  /** median hours from their assignment to that step; null when nobody reached one */
  medianHours: number | null;
}

export interface GoalSettings {
  /** the journey's goal event, when it has one (goal steps also convert) */
  eventName: string | null;
  attributionHours: number;
  revenueProperty: string | null;
}

export interface SplitDefinition extends SplitConfigLike {
  nodeId: string;
  label: string;
  arms: { id: string; label: string; weight: number }[];
}

export interface AnalysisInput {
  journeyId: string;
  nodeId: string;
  computedAt: Date;
  split: SplitDefinition;
  goal: GoalSettings;
  /** does the journey convert anyone at all (a goal in its settings or a goal step)? */
  hasGoal: boolean;
  /** per arm id (and "holdout"); arms without data may be missing */
  data: ArmData[];
  /** expected assignment counts per arm id (and "holdout") under the weights in effect when each person was assigned */
  expected: Record<string, number>;
  /** the weights new assignments get now */
  currentWeights: WeightMap;
  settings: AnalysisSettings;
}

export interface LiftResult {
  /** relative lift against control: 0.12 = +12% */
  estimate: number;
  ci: [number | null, number | null];
  pValue: number;
  /** adjusted with the experiment's correction across every comparison of the evaluation (see the file header) */
  adjustedPValue: number;
  adjustedCi: [number | null, number | null];
}

export interface GuardrailResult {
  count: number;
  rate: number;
  /** relative change against control, when testable */
  lift: number | null;
  pValue: number | null;
  /** adjusted with the other comparisons (see the file header) */
  adjustedPValue: number | null;
  /** significantly higher than control (adjusted p-value below alpha, same test as the primary metric) */
  worse: boolean;
}

export interface ArmResult {
  armId: string;
  label: string;
  isControl: boolean;
  /** the published weight, and the weight new assignments get now (0–100) */
  publishedWeight: number;
  currentWeight: number;
  assigned: number;
  expectedAssigned: number;
  messages: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  converted: number;
  conversionRate: number;
  revenue: number | null;
  revenuePerAssigned: number | null;
  /** null for control */
  lift: LiftResult | null;
  /** why there is no lift, when there is none for a treatment arm */
  liftUnavailable: string | null;
  /** revenue per assigned person against control */
  revenueLift: LiftResult | null;
  /** Bayesian P(this arm's conversion rate beats control's), under the experiment's prior; null for control */
  chanceToWin: number | null;
  /**
   * Bayesian expected loss in relative conversion lift (0.01 = 1% of control's rate): of shipping this arm
   * (what is lost if it is in fact worse), and of keeping control instead; null for control
   */
  risk: { ship: number; keepControl: number } | null;
  /** exact Beta–Bernoulli P(this arm has the highest conversion rate of all arms) */
  probabilityBest: number | null;
  /** control has status "control" */
  status: ArmStatus | "control";
  guardrails: { unsubscribed: GuardrailResult; bounced: GuardrailResult; complained: GuardrailResult };
  matured: { assigned: number; converted: number };
}

export interface Banner {
  kind: "srm" | "too_little_data" | "no_goal" | "no_data";
  tone: "red" | "amber";
  message: string;
}

export interface Incrementality {
  holdoutAssigned: number;
  holdoutConverted: number;
  holdoutConversionRate: number;
  treatedAssigned: number;
  treatedConverted: number;
  treatedConversionRate: number;
  /** conversions among the treated beyond what the holdout's rate predicts, with an interval */
  extraConversions: number;
  extraConversionsCi: [number | null, number | null] | null;
  /** p-value of the treated-minus-holdout difference in conversion rate (the test behind extraConversionsCi) */
  pValue: number | null;
  /** relative lift of the treated over the holdout */
  lift: { estimate: number; ci: [number | null, number | null]; pValue: number } | null;
  extraRevenue: number | null;
  extraRevenueCi: [number | null, number | null] | null;
}

export interface ExperimentAnalysis {
  version: 1;
  journeyId: string;
  nodeId: string;
  label: string;
  computedAt: string;
  test: {
    method: TestMethod;
    label: string;
    alpha: number;
    nStar: number | null;
    /** results stored before the setting existed say "holm-bonferroni" and have no label */
    correction: Correction | "holm-bonferroni";
    correctionLabel?: string;
    /** how many p-values were adjusted together (treatment arms × conversion, revenue and guardrails) */
    comparisons?: number;
    /** the Bayesian prior on the relative lift, null when flat */
    prior?: LiftPrior | null;
    difference: "relative";
  };
  goal: GoalSettings;
  thresholds: { minAssigned: number; minConversions: number };
  arms: ArmResult[];
  holdout: {
    publishedWeight: number;
    assigned: number;
    expectedAssigned: number;
    messages: number;
    converted: number;
    conversionRate: number;
    revenue: number | null;
    revenuePerAssigned: number | null;
    /** held-out people who reached a withheld message or webhook step (absent in results stored before it existed) */
    wouldHaveMessaged?: WouldHaveMessaged;
  } | null;
  srm: {
    pValue: number;
    chiSquare: number | null;
    mismatch: boolean;
    observed: number[];
    expected: number[];
    armIds: string[];
  } | null;
  enoughData: boolean;
  banners: Banner[];
  /** the arm the displayed test calls best (significant after correction, no SRM), or null */
  winner: { armId: string; label: string; reason: string } | null;
  /** the same rule on the sequential test, whatever is displayed: what the "winner" auto-winner acts on */
  sequentialWinner: { armId: string; label: string; reason: string } | null;
  incrementality: Incrementality | null;
  /** what the cumulative-lift chart needs from this evaluation */
  summary: {
    arms: {
      armId: string;
      label: string;
      assigned: number;
      converted: number;
      conversionRate: number;
      estimate: number | null;
      ci: [number | null, number | null] | null;
      pValue: number | null;
    }[];
  };
}

/** An arm nobody was assigned to yet. */
export const EMPTY_ARM = (armId: string): ArmData => ({
  armId,
  assigned: 0,
  messages: 0,
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
  matured: { assigned: 0, converted: 0 },
});

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const interval = (ci: [number, number]): [number | null, number | null] => [finite(ci[0]), finite(ci[1])];
const rate = (count: number, n: number) => (n > 0 ? count / n : 0);

function runTest(
  settings: AnalysisSettings,
  method: TestMethod,
  control: MetricSummary,
  treatment: MetricSummary,
  difference: "relative" | "absolute" = "relative",
) {
  return method === "sequential"
    ? sequentialTest(control, treatment, { alpha: settings.alpha, nStar: settings.nStar, difference })
    : welchTTest(control, treatment, { alpha: settings.alpha, difference });
}

/** A test that may not be computable (n < 2, a zero control rate, no variance): null and the reason. */
function attempt<T>(fn: () => T): { value: T | null; error: string | null } {
  try {
    return { value: fn(), error: null };
  } catch (error) {
    return { value: null, error: (error as Error).message };
  }
}

function whyNoLift(control: ArmData, treatment: ArmData, error: string): string {
  if (control.assigned < 2 || treatment.assigned < 2) return "Needs at least 2 people in each arm";
  if (control.converted === 0) return "No conversions in control yet, so a relative lift is undefined";
  if (/zero variance/.test(error)) return "No variation yet: every person in both arms has the same outcome";
  return error;
}

const GUARDRAILS = ["unsubscribed", "bounced", "complained"] as const;
type GuardrailKey = (typeof GUARDRAILS)[number];

/** One guardrail's raw test: relative when control has some, else absolute (p-value only). */
function guardrailTest(
  settings: AnalysisSettings,
  method: TestMethod,
  control: ArmData,
  arm: ArmData,
  key: GuardrailKey,
): { lift: number | null; estimate: number; pValue: number } | null {
  const count = arm[key];
  const test = attempt(() =>
    runTest(
      settings,
      method,
      { n: control.assigned, conversions: control[key] },
      { n: arm.assigned, conversions: count },
    ),
  );
  if (test.value)
    return { lift: finite(test.value.estimate), estimate: test.value.estimate, pValue: test.value.pValue };
  if (control[key] === 0 && count > 0 && arm.assigned >= 2) {
    // Control has none at all: the relative change is unbounded; compare absolutely.
    const absolute = attempt(() =>
      runTest(
        settings,
        method,
        { n: control.assigned, conversions: 0 },
        { n: arm.assigned, conversions: count },
        "absolute",
      ),
    );
    if (absolute.value) return { lift: null, estimate: absolute.value.estimate, pValue: absolute.value.pValue };
  }
  return null;
}

interface Verdicts {
  statuses: (ArmStatus | "control")[];
  lifts: (LiftResult | null)[];
  errors: (string | null)[];
  revenueLifts: (LiftResult | null)[];
  guardrails: Record<GuardrailKey, GuardrailResult>[];
  /** how many p-values were adjusted together */
  comparisons: number;
}

/**
 * Every comparison of one evaluation with one method — each treatment arm against control on conversion
 * rate, on revenue per person (when there is a revenue property) and on each guardrail — adjusted together
 * with the experiment's correction, and each arm's status on its adjusted conversion p-value.
 */
function verdicts(settings: AnalysisSettings, method: TestMethod, arms: ArmData[], hasRevenue: boolean): Verdicts {
  const control = arms[0];
  const controlSummary: ProportionSummary = { n: control.assigned, conversions: control.converted };
  const revenueSummary = (d: ArmData): MeanSummary => ({ n: d.assigned, sum: d.revenue, sumSquares: d.revenueSquares });
  const conversion = arms.map((arm, i) =>
    i === 0
      ? { value: null, error: null }
      : attempt(() => runTest(settings, method, controlSummary, { n: arm.assigned, conversions: arm.converted })),
  );
  const revenue = arms.map((arm, i) =>
    i === 0 || !hasRevenue
      ? null
      : attempt(() => runTest(settings, method, revenueSummary(control), revenueSummary(arm))).value,
  );
  const guards = arms.map(
    (arm, i) =>
      Object.fromEntries(
        GUARDRAILS.map((key) => [key, i === 0 ? null : guardrailTest(settings, method, control, arm, key)]),
      ) as Record<GuardrailKey, ReturnType<typeof guardrailTest>>,
  );

  // One family: every p-value computed above, adjusted jointly.
  const family: { p: number; set: (adjusted: number) => void }[] = [];
  const adjustedConversion: number[] = arms.map(() => NaN);
  const adjustedRevenue: number[] = arms.map(() => NaN);
  const adjustedGuardrail = arms.map(() => ({}) as Record<GuardrailKey, number>);
  arms.forEach((_, i) => {
    const c = conversion[i].value;
    if (c) family.push({ p: c.pValue, set: (q) => (adjustedConversion[i] = q) });
    const r = revenue[i];
    if (r) family.push({ p: r.pValue, set: (q) => (adjustedRevenue[i] = q) });
    for (const key of GUARDRAILS) {
      const g = guards[i][key];
      if (g) family.push({ p: g.pValue, set: (q) => (adjustedGuardrail[i][key] = q) });
    }
  });
  adjustPValues(
    family.map((f) => f.p),
    CORRECTION_METHODS[settings.correction],
  ).forEach((q, k) => family[k].set(q));

  const liftOf = (test: { estimate: number; ci: [number, number]; pValue: number }, adjusted: number): LiftResult => ({
    estimate: test.estimate,
    ci: interval(test.ci),
    pValue: test.pValue,
    adjustedPValue: adjusted,
    adjustedCi: interval(
      adjustedConfidenceInterval(adjusted, test.estimate, { alpha: settings.alpha, unadjustedCi: test.ci }),
    ),
  });
  const lifts = arms.map((_, i) => (conversion[i].value ? liftOf(conversion[i].value!, adjustedConversion[i]) : null));
  const revenueLifts = arms.map((_, i) => (revenue[i] ? liftOf(revenue[i]!, adjustedRevenue[i]) : null));
  const guardrails = arms.map(
    (arm, i) =>
      Object.fromEntries(
        GUARDRAILS.map((key): [GuardrailKey, GuardrailResult] => {
          const g = guards[i][key];
          const adjusted = g ? adjustedGuardrail[i][key] : null;
          return [
            key,
            {
              count: arm[key],
              rate: rate(arm[key], arm.assigned),
              lift: g?.lift ?? null,
              pValue: g?.pValue ?? null,
              adjustedPValue: adjusted,
              worse: Boolean(g && adjusted! < settings.alpha && g.estimate > 0),
            },
          ];
        }),
      ) as Record<GuardrailKey, GuardrailResult>,
  );
  const statuses = arms.map((arm, i): ArmStatus | "control" => {
    if (i === 0) return "control";
    const counts = {
      control: { n: control.assigned, conversions: control.converted },
      treatment: { n: arm.assigned, conversions: arm.converted },
    };
    const thresholds = { minAssigned: MIN_ASSIGNED, minConversions: MIN_CONVERSIONS, alpha: settings.alpha };
    const lift = lifts[i];
    if (!lift) return hasEnoughData(counts.control, counts.treatment, thresholds) ? "inconclusive" : "not_enough_data";
    return decideArmStatus({ ...counts, result: { estimate: lift.estimate, pValue: lift.adjustedPValue } }, thresholds);
  });
  return {
    statuses,
    lifts,
    errors: conversion.map((r) => r.error),
    revenueLifts,
    guardrails,
    comparisons: family.length,
  };
}

const percent = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(1)}%`;

/** The best winning treatment arm; control when every treatment arm is losing; else none. */
function pickWinner(
  split: SplitDefinition,
  v: Verdicts,
  method: TestMethod,
  correction: Correction,
): { armId: string; label: string; reason: string } | null {
  const winning = v.statuses.flatMap((s, i) => (s === "winning" ? [i] : []));
  const testName = TEST_LABELS[method];
  if (winning.length) {
    const best = winning.reduce((a, b) => (v.lifts[b]!.estimate > v.lifts[a]!.estimate ? b : a));
    const lift = v.lifts[best]!;
    const arm = split.arms[best];
    return {
      armId: arm.id,
      label: arm.label,
      reason: `"${arm.label}" beats "${split.arms[0].label}": conversion ${percent(lift.estimate)}, ${testName} p = ${formatP(lift.adjustedPValue)}${v.comparisons > 1 ? ` (${CORRECTION_LABELS[correction]}-adjusted over ${v.comparisons} comparisons)` : ""}`,
    };
  }
  const treatments = v.statuses.slice(1);
  if (treatments.length && treatments.every((s) => s === "losing")) {
    return {
      armId: split.arms[0].id,
      label: split.arms[0].label,
      reason: `Every other arm converts worse than "${split.arms[0].label}" (${testName})`,
    };
  }
  return null;
}

export function formatP(p: number): string {
  return p < 0.0001 ? "< 0.0001" : p.toFixed(4);
}

export function analyzeExperiment(input: AnalysisInput): ExperimentAnalysis {
  const { split, settings } = input;
  const byId = new Map(input.data.map((d) => [d.armId, d]));
  const arms = split.arms.map((a) => byId.get(a.id) ?? EMPTY_ARM(a.id));
  const holdoutData = split.holdout ? (byId.get(HOLDOUT) ?? EMPTY_ARM(HOLDOUT)) : byId.get(HOLDOUT);
  const control = arms[0];
  const hasRevenue = input.goal.revenueProperty !== null;

  const shown = verdicts(settings, settings.test, arms, hasRevenue);
  const sequential = settings.test === "sequential" ? shown : verdicts(settings, "sequential", arms, hasRevenue);
  const prior = settings.prior ? { mean: settings.prior.mean, variance: settings.prior.sd ** 2 } : undefined;

  const probabilityBest = attempt(() =>
    probabilityToBeBest(arms.map((a) => ({ n: a.assigned, conversions: a.converted }))),
  ).value;

  // Sample ratio: observed against what the weights in effect expected, holdout included.
  const srmIds = [...split.arms.map((a) => a.id), ...(holdoutData ? [HOLDOUT] : [])];
  const observed = srmIds.map((id) => byId.get(id)?.assigned ?? 0);
  const expected = srmIds.map((id) => input.expected[id] ?? 0);
  const totalAssigned = observed.reduce((a, b) => a + b, 0);
  const srmCheck =
    totalAssigned > 0 && expected.some((e) => e > 0)
      ? attempt(() => sampleRatioMismatch(observed, expected)).value
      : null;
  const srm = srmCheck
    ? {
        pValue: srmCheck.pValue,
        chiSquare: finite(srmCheck.chiSquare),
        mismatch: srmCheck.mismatch,
        observed,
        expected: srmCheck.expected,
        armIds: srmIds,
      }
    : null;

  const armResults: ArmResult[] = split.arms.map((config, i) => {
    const data = arms[i];
    const isControl = i === 0;
    const bayes = isControl
      ? null
      : attempt(() =>
          bayesianTest(
            { n: control.assigned, conversions: control.converted },
            { n: data.assigned, conversions: data.converted },
            { alpha: settings.alpha, prior },
          ),
        ).value;
    const [keepControl, ship] = bayes ? bayes.risk.map(finite) : [null, null];
    return {
      armId: config.id,
      label: config.label,
      isControl,
      publishedWeight: config.weight,
      currentWeight: input.currentWeights[config.id] ?? config.weight,
      assigned: data.assigned,
      expectedAssigned: input.expected[config.id] ?? 0,
      messages: data.messages,
      sent: data.sent,
      delivered: data.delivered,
      opened: data.opened,
      clicked: data.clicked,
      converted: data.converted,
      conversionRate: rate(data.converted, data.assigned),
      revenue: hasRevenue ? data.revenue : null,
      revenuePerAssigned: hasRevenue ? rate(data.revenue, data.assigned) : null,
      lift: shown.lifts[i],
      liftUnavailable: isControl || shown.lifts[i] ? null : whyNoLift(control, data, shown.errors[i] ?? ""),
      revenueLift: shown.revenueLifts[i],
      chanceToWin: bayes ? finite(bayes.chanceToWin) : null,
      risk: ship !== null && keepControl !== null ? { ship, keepControl } : null,
      probabilityBest: probabilityBest ? finite(probabilityBest[i]) : null,
      status: shown.statuses[i],
      guardrails: shown.guardrails[i],
      matured: data.matured,
    };
  });

  const thin = armResults.filter((a) => a.assigned < MIN_ASSIGNED || a.converted < MIN_CONVERSIONS);
  const enoughData = thin.length === 0;
  const banners: Banner[] = [];
  if (srm?.mismatch) {
    banners.push({
      kind: "srm",
      tone: "red",
      message:
        `Sample ratio mismatch: the arms got ${srmIds.map((id, i) => `${labelOf(split, id)} ${observed[i]}`).join(", ")} people where the weights expected ` +
        `${srmIds.map((id, i) => `${labelOf(split, id)} ${Math.round(srm.expected[i])}`).join(", ")} (χ² p = ${formatP(srm.pValue)}). ` +
        "Assignment is not working as configured, so none of these results can be trusted until the cause is found.",
    });
  }
  if (!input.hasGoal) {
    banners.push({
      kind: "no_goal",
      tone: "amber",
      message:
        "This journey has no conversion goal: set one in the journey settings (or add a goal step) to measure the arms.",
    });
  }
  if (totalAssigned === 0) {
    banners.push({ kind: "no_data", tone: "amber", message: "Nobody has reached this split yet." });
  } else if (!enoughData) {
    banners.push({
      kind: "too_little_data",
      tone: "amber",
      message:
        `Too little data to call a winner: every arm needs at least ${MIN_ASSIGNED} people and ${MIN_CONVERSIONS} conversions. ` +
        thin.map((a) => `${a.label}: ${a.assigned} people, ${a.converted} conversions`).join("; ") +
        ".",
    });
  }

  const trusted = !srm?.mismatch;
  const incrementality = holdoutData ? incrementalityOf(settings, arms, holdoutData, hasRevenue) : null;

  return {
    version: 1,
    journeyId: input.journeyId,
    nodeId: input.nodeId,
    label: split.label,
    computedAt: input.computedAt.toISOString(),
    test: {
      method: settings.test,
      label: TEST_LABELS[settings.test],
      alpha: settings.alpha,
      nStar: settings.test === "sequential" ? settings.nStar : null,
      correction: settings.correction,
      correctionLabel: CORRECTION_LABELS[settings.correction],
      comparisons: shown.comparisons,
      prior: settings.prior,
      difference: "relative",
    },
    goal: input.goal,
    thresholds: { minAssigned: MIN_ASSIGNED, minConversions: MIN_CONVERSIONS },
    arms: armResults,
    holdout: holdoutData
      ? {
          publishedWeight: split.holdout?.weight ?? 0,
          assigned: holdoutData.assigned,
          expectedAssigned: input.expected[HOLDOUT] ?? 0,
          messages: holdoutData.messages,
          converted: holdoutData.converted,
          conversionRate: rate(holdoutData.converted, holdoutData.assigned),
          revenue: hasRevenue ? holdoutData.revenue : null,
          revenuePerAssigned: hasRevenue ? rate(holdoutData.revenue, holdoutData.assigned) : null,
          wouldHaveMessaged: holdoutData.wouldHaveMessaged ?? { people: 0, medianHours: null },
        }
      : null,
    srm,
    enoughData,
    banners,
    winner: trusted ? pickWinner(split, shown, settings.test, settings.correction) : null,
    sequentialWinner: trusted ? pickWinner(split, sequential, "sequential", settings.correction) : null,
    incrementality,
    summary: {
      arms: armResults.map((a) => ({
        armId: a.armId,
        label: a.label,
        assigned: a.assigned,
        converted: a.converted,
        conversionRate: a.conversionRate,
        estimate: a.lift ? a.lift.estimate : null,
        ci: a.lift ? a.lift.adjustedCi : null,
        pValue: a.lift ? a.lift.adjustedPValue : null,
      })),
    },
  };
}

function labelOf(split: SplitDefinition, id: string): string {
  return id === HOLDOUT ? "holdout" : (split.arms.find((a) => a.id === id)?.label ?? id);
}

function incrementalityOf(
  settings: AnalysisSettings,
  arms: ArmData[],
  holdout: ArmData,
  hasRevenue: boolean,
): Incrementality {
  const treated = arms.reduce(
    (sum, a) => ({
      assigned: sum.assigned + a.assigned,
      converted: sum.converted + a.converted,
      revenue: sum.revenue + a.revenue,
      revenueSquares: sum.revenueSquares + a.revenueSquares,
    }),
    { assigned: 0, converted: 0, revenue: 0, revenueSquares: 0 },
  );
  const holdoutRate = rate(holdout.converted, holdout.assigned);
  const treatedRate = rate(treated.converted, treated.assigned);
  const h: ProportionSummary = { n: holdout.assigned, conversions: holdout.converted };
  const t: ProportionSummary = { n: treated.assigned, conversions: treated.converted };
  const absolute = attempt(() => runTest(settings, settings.test, h, t, "absolute")).value;
  const relative = attempt(() => runTest(settings, settings.test, h, t)).value;
  const scale = (ci: [number, number]): [number | null, number | null] =>
    interval([ci[0] * treated.assigned, ci[1] * treated.assigned]);
  let extraRevenue: number | null = null;
  let extraRevenueCi: [number | null, number | null] | null = null;
  if (hasRevenue) {
    extraRevenue = treated.revenue - rate(holdout.revenue, holdout.assigned) * treated.assigned;
    const revenueTest = attempt(() =>
      runTest(
        settings,
        settings.test,
        { n: holdout.assigned, sum: holdout.revenue, sumSquares: holdout.revenueSquares },
        { n: treated.assigned, sum: treated.revenue, sumSquares: treated.revenueSquares },
        "absolute",
      ),
    ).value;
    if (revenueTest) extraRevenueCi = scale(revenueTest.ci);
  }
  return {
    holdoutAssigned: holdout.assigned,
    holdoutConverted: holdout.converted,
    holdoutConversionRate: holdoutRate,
    treatedAssigned: treated.assigned,
    treatedConverted: treated.converted,
    treatedConversionRate: treatedRate,
    extraConversions: (treatedRate - holdoutRate) * treated.assigned,
    extraConversionsCi: absolute ? scale(absolute.ci) : null,
    pValue: absolute ? absolute.pValue : null,
    lift: relative ? { estimate: relative.estimate, ci: interval(relative.ci), pValue: relative.pValue } : null,
    extraRevenue,
    extraRevenueCi,
  };
}

/** The split node's config in a graph, when the node is a split with a valid config. */
export function splitConfigIn(graph: TJourneyGraph | undefined, nodeId: string): SplitDefinition | null {
  const node = graph?.nodes.find((n) => n.id === nodeId && n.type === "split");
  if (!node) return null;
  // Published versions are valid; a draft's split may be unfinished, and then it is no experiment yet.
  const config = NODE_CONFIGS.split.safeParse(node.config);
  if (!config.success) return null;
  return { nodeId, label: node.label || "A/B split", arms: config.data.arms, holdout: config.data.holdout };
}
