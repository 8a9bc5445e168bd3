import type { ArmResult, ExperimentAnalysis } from "./analysis";
import type { LiftPoint } from "./read-experiments";
import { sequentialTest, welchTTest } from "./stats";

/**
 * The experiment page's one-line verdict, in words, before any statistics: "B is ahead, not yet certain:
 * about 9 more days at the current rate". Pure: it reads a stored analysis and the enrolment rate (people
 * per day into the split's arms, from `enrolmentRate`), so every state is tested with numbers.
 *
 * States, first match wins:
 *   no_data        nobody assigned yet
 *   srm            the sample-ratio check failed: assignment is broken, nothing else can be trusted
 *   no_goal        the journey converts nobody, so there is nothing to compare
 *   winner         the analysis named a winner (a treatment arm, or control when every other arm loses)
 *   too_few        an arm is below the thresholds every verdict needs (100 people, 20 conversions)
 *   ahead          enough data, no winner, and the current difference would become certain within
 *                  NO_DIFFERENCE_DAYS at the current rate
 *   no_difference  enough data, and at the current rate the difference would not become certain within
 *                  NO_DIFFERENCE_DAYS (or there is no difference at all)
 *
 * "How long" is an estimate: the total number of people in the arms at which the leader's current lift
 * (unchanged) would clear the displayed test at α / comparisons (Holm's strictest step), and at which every
 * arm reaches the thresholds at its current conversion rate; minus the people already in, over the rate.
 */

export type SummaryState = "no_data" | "srm" | "no_goal" | "winner" | "too_few" | "ahead" | "no_difference";

export interface ExperimentSummary {
  state: SummaryState;
  /** the one line, as a marketer reads it */
  text: string;
  /** more people needed in the arms (all arms together), when it can be estimated */
  morePeople: number | null;
  /** days until then at the current enrolment rate, when both are known */
  daysLeft: number | null;
}

/** Beyond this many days at the current rate, "ahead" reads as "no clear difference". */
export const NO_DIFFERENCE_DAYS = 60;
/** The enrolment rate looks back this far over the stored evaluations. */
const RATE_WINDOW_MS = 7 * 24 * 3_600_000;
/** Shorter spans than this say too little about a daily rate. */
const MIN_RATE_SPAN_MS = 3_600_000;

const pct = (x: number) => `${(Math.abs(x) * 100).toFixed(1)}%`;
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${pct(x)}`;
const morePeople = (n: number) => `${new Intl.NumberFormat("en-GB").format(n)} more ${n === 1 ? "person" : "people"}`;
const days = (d: number) =>
  d <= 1
    ? "about 1 more day"
    : d > 365
      ? "more than a year"
      : `about ${new Intl.NumberFormat("en-GB").format(d)} more days`;

/**
 * People per day entering the split's arms, over the last week of stored evaluations (holdout not
 * included, as the history does not store it). Null when the history spans less than an hour.
 */
export function enrolmentRate(
  history: LiftPoint[],
  latest?: { computedAt: string; arms: { assigned: number }[] },
): number | null {
  const points = [
    ...history.map((p) => ({ at: Date.parse(p.computedAt), total: p.arms.reduce((s, a) => s + a.assigned, 0) })),
  ];
  if (latest)
    points.push({ at: Date.parse(latest.computedAt), total: latest.arms.reduce((s, a) => s + a.assigned, 0) });
  points.sort((a, b) => a.at - b.at);
  const last = points.at(-1);
  if (!last) return null;
  const first = points.find((p) => p.at >= last.at - RATE_WINDOW_MS)!;
  const span = last.at - first.at;
  if (span < MIN_RATE_SPAN_MS) return null;
  return Math.max(0, ((last.total - first.total) * 86_400_000) / span);
}

/** Total people in the arms at which every arm has the thresholds' people and conversions, at its current rate and share. */
function peopleForThresholds(result: ExperimentAnalysis, total: number): number | null {
  let needed = total;
  for (const arm of result.arms) {
    const share = arm.assigned / total;
    if (!(share > 0) || !(arm.conversionRate > 0)) return null;
    const armNeeds = Math.max(result.thresholds.minAssigned, result.thresholds.minConversions / arm.conversionRate);
    needed = Math.max(needed, armNeeds / share);
  }
  return needed;
}

/**
 * Total people in the arms at which `arm`'s current lift against control, scaled up unchanged, clears the
 * displayed test at α / comparisons. Null when there is no lift to scale (none, or exactly 0).
 */
function peopleForCertainty(
  result: ExperimentAnalysis,
  control: ArmResult,
  arm: ArmResult,
  total: number,
): number | null {
  if (!arm.lift || arm.lift.estimate === 0 || control.assigned < 2 || arm.assigned < 2) return null;
  const alpha = result.test.alpha / Math.max(1, result.test.comparisons ?? result.arms.length - 1);
  const pAt = (k: number) => {
    // The tests take whole counts: the rates held, rounded.
    const c = { n: Math.round(control.assigned * k), conversions: Math.round(control.converted * k) };
    const t = { n: Math.round(arm.assigned * k), conversions: Math.round(arm.converted * k) };
    return result.test.method === "sequential"
      ? sequentialTest(c, t, { alpha: result.test.alpha, nStar: result.test.nStar ?? undefined }).pValue
      : welchTTest(c, t, { alpha: result.test.alpha }).pValue;
  };
  try {
    if (pAt(1) < alpha) return total;
    // The p-value falls as the sample grows with the rates held; find the scale by doubling, then bisection.
    let lo = 1;
    let hi = 2;
    while (pAt(hi) >= alpha) {
      lo = hi;
      hi *= 2;
      if (hi > 1e6) return null;
    }
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (pAt(mid) < alpha) hi = mid;
      else lo = mid;
    }
    return total * hi;
  } catch {
    return null;
  }
}

function howLong(more: number | null, rate: number | null): { daysLeft: number | null; text: string } {
  if (more === null) return { daysLeft: null, text: "how long it will take cannot be estimated yet" };
  if (rate === null) return { daysLeft: null, text: `about ${morePeople(more)} needed` };
  if (rate === 0)
    return { daysLeft: null, text: `about ${morePeople(more)} needed, and nobody new has entered the split lately` };
  const d = Math.max(1, Math.ceil(more / rate));
  return { daysLeft: d, text: `${days(d)} at the current rate` };
}

export function summarizeExperiment(
  result: ExperimentAnalysis | null,
  options: { peoplePerDay: number | null },
): ExperimentSummary {
  const none = { morePeople: null, daysLeft: null };
  const total = result ? result.arms.reduce((s, a) => s + a.assigned, 0) : 0;
  if (!result || total === 0)
    return { state: "no_data", text: "No results yet: nobody has reached this split.", ...none };
  if (result.srm?.mismatch) {
    return {
      state: "srm",
      text: "Do not act on these numbers: people are not being split as configured (sample ratio mismatch). Find the cause first.",
      ...none,
    };
  }
  if (result.banners.some((b) => b.kind === "no_goal")) {
    return { state: "no_goal", text: "Nothing to compare: this journey has no conversion goal.", ...none };
  }
  const control = result.arms[0];
  if (result.winner) {
    if (result.winner.armId === control.armId) {
      return { state: "winner", text: `${control.label} (the control) wins: every other arm converts worse.`, ...none };
    }
    const arm = result.arms.find((a) => a.armId === result.winner!.armId);
    const lift = arm?.lift
      ? ` converts ${pct(arm.lift.estimate)} ${arm.lift.estimate >= 0 ? "better" : "worse"} than ${control.label} (${pct(arm.conversionRate)} against ${pct(control.conversionRate)})`
      : ` beats ${control.label}`;
    return {
      state: "winner",
      text: `${result.winner.label} wins: it${lift}, and the test is certain enough to act on.`,
      ...none,
    };
  }

  // The leader: the treatment arm with the highest estimated lift, or control when every lift is negative.
  const treatments = result.arms.slice(1).filter((a) => a.lift);
  const best = treatments.reduce<ArmResult | null>((b, a) => (!b || a.lift!.estimate > b.lift!.estimate ? a : b), null);
  const rate = options.peoplePerDay;

  if (!result.enoughData) {
    const needed = peopleForThresholds(result, total);
    const certain = best ? peopleForCertainty(result, control, best, total) : null;
    const target = needed === null ? null : Math.max(needed, certain ?? 0);
    const more = target === null ? null : Math.max(1, Math.ceil(target - total));
    const when = howLong(more, rate);
    const { minAssigned, minConversions } = result.thresholds;
    return {
      state: "too_few",
      text: `No winner yet: too few people (every arm needs ${minAssigned} people and ${minConversions} conversions). ${capitalise(when.text)}.`,
      morePeople: more,
      daysLeft: when.daysLeft,
    };
  }

  if (!best) {
    return {
      state: "no_difference",
      text: `No clear difference yet between the arms: ${control.label} and the others cannot be compared on conversion.`,
      ...none,
    };
  }
  const needed = peopleForCertainty(result, control, best, total);
  const more = needed === null ? null : Math.max(1, Math.ceil(needed - total));
  const when = howLong(more, rate);
  const leader =
    best.lift!.estimate > 0
      ? `${best.label} is ahead (${signed(best.lift!.estimate)} against ${control.label})`
      : `${control.label} (the control) is ahead (${best.label} ${signed(best.lift!.estimate)})`;
  const slow = more === null || (when.daysLeft !== null && when.daysLeft > NO_DIFFERENCE_DAYS) || rate === 0;
  if (slow) {
    // As the arms table shows it: adjusted only when there is more than one comparison.
    const ci = (result.test.comparisons ?? result.arms.length - 1) > 1 ? best.lift!.adjustedCi : best.lift!.ci;
    const range =
      ci[0] !== null && ci[1] !== null
        ? ` (${best.label} ${signed(ci[0])} to ${signed(ci[1])} against ${control.label})`
        : "";
    return {
      state: "no_difference",
      text: `No clear difference: the arms convert alike so far${range}; ${when.daysLeft !== null ? `certainty would take ${when.text}` : when.text}.`,
      morePeople: more,
      daysLeft: when.daysLeft,
    };
  }
  return {
    state: "ahead",
    text: `${leader}, not yet certain: ${when.text}.`,
    morePeople: more,
    daysLeft: when.daysLeft,
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The Bayesian risk (expected loss in relative lift, a share of control's rate) as percentage points of
 * conversion: 0.012 of a 15% control rate is 0.18 points. A relative figure over 100% ("risk control 109%")
 * reads as nonsense; points of conversion are what is actually given up.
 */
export function expectedLossPoints(relativeLoss: number, controlRate: number): number {
  return relativeLoss * controlRate * 100;
}
