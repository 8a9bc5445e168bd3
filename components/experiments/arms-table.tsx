import type { ExperimentAnalysis } from "@/lib/experiments/analysis";
import { Badge } from "../ui/card";
import { plural } from "../ui/format";
import { expectedLossPoints } from "@/lib/experiments/summary";
import {
  amount,
  count,
  hours,
  interval,
  percent,
  points,
  pValue,
  signedPercent,
  STATUS_LABELS,
  STATUS_TONES,
  weight,
} from "./format";

const NUM = "py-3 pl-2.5 text-right tabular-nums whitespace-nowrap";
const HEAD = "py-2 pl-2.5 text-right font-medium";

/** Which correction adjusted the p-values, over how many comparisons; results stored before the setting existed were Holm across arms only. */
export function correctionOf(result: ExperimentAnalysis): { label: string; comparisons: number; text: string } {
  const label = result.test.correctionLabel ?? "Holm–Bonferroni";
  const comparisons = result.test.comparisons ?? Math.max(0, result.arms.length - 1);
  const text =
    comparisons > 1
      ? `${label} adjusted across ${comparisons} comparisons (${result.test.comparisons === undefined ? "the arms' conversion rates" : "every arm's conversion, revenue and guardrails"})`
      : `${label} (one comparison: nothing to adjust)`;
  return { label, comparisons, text };
}

/** The Bayesian prior as stated on the page. */
export function priorText(result: ExperimentAnalysis): string {
  const prior = result.test.prior;
  return prior ? `normal prior on the lift, mean ${signedPercent(prior.mean)}, SD ${percent(prior.sd)}` : "flat prior";
}

/** The per-arm table: intent-to-treat counts, conversion, revenue per person, lift against control, and a verdict. */
export function ArmsTable({ result }: { result: ExperimentAnalysis }) {
  const hasRevenue = result.goal.revenueProperty !== null;
  const correction = correctionOf(result);
  const corrected = correction.comparisons > 1;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="arms-table">
        <thead className="text-xs tracking-wide text-stone-500 uppercase">
          <tr>
            <th className="py-2 font-medium">Arm</th>
            <th className={HEAD}>Assigned</th>
            <th className={HEAD}>Messages</th>
            <th className={HEAD}>
              Converted
              <span className="block text-[10px] font-normal tracking-normal normal-case">rate</span>
            </th>
            {hasRevenue ? <th className={HEAD}>Revenue / person</th> : null}
            <th className={HEAD}>Lift ({Math.round((1 - result.test.alpha) * 100)}% interval)</th>
            <th className={HEAD}>
              p-value
              <span className="block text-[10px] font-normal tracking-normal normal-case" data-testid="p-value-method">
                {result.test.label}
              </span>
            </th>
            <th className={HEAD}>
              Chance to be best
              <span className="block text-[10px] font-normal tracking-normal normal-case">expected loss, points</span>
            </th>
            <th className="py-2 pl-3 font-medium">Status</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {result.arms.map((arm) => (
            <tr
              key={arm.armId}
              data-testid="arm-row"
              data-arm={arm.armId}
              data-status={arm.status}
              className="align-top"
            >
              <td className="min-w-32 py-3 pr-2">
                <span className="font-medium text-stone-900">{arm.label}</span>
                <span className="block text-xs text-stone-500">
                  {arm.isControl ? "control · " : ""}
                  {weight(arm.currentWeight)}
                  {Math.abs(arm.currentWeight - arm.publishedWeight) > 1e-6
                    ? ` now (published ${weight(arm.publishedWeight)})`
                    : ""}
                </span>
              </td>
              <td className={NUM}>{count(arm.assigned)}</td>
              <td className={NUM} data-testid="arm-messages">
                {count(arm.sent)} sent
                <span className="block text-xs text-stone-500">
                  {count(arm.delivered)} delivered · {count(arm.opened)} opened · {count(arm.clicked)} clicked
                </span>
              </td>
              <td className={NUM}>
                {count(arm.converted)}
                <span className="block text-xs text-stone-500">{percent(arm.conversionRate, 2)}</span>
              </td>
              {hasRevenue ? (
                <td className={NUM}>
                  {amount(arm.revenuePerAssigned)}
                  {arm.revenueLift ? (
                    <span className="block text-xs text-stone-500">
                      {signedPercent(arm.revenueLift.estimate)}
                      {arm.revenueLift.adjustedPValue !== undefined
                        ? ` · p ${pValue(corrected ? arm.revenueLift.adjustedPValue : arm.revenueLift.pValue)}`
                        : ""}
                    </span>
                  ) : null}
                </td>
              ) : null}
              <td className={NUM} data-testid="arm-lift">
                {arm.isControl ? (
                  <span className="text-stone-400">baseline</span>
                ) : arm.lift ? (
                  <>
                    <span
                      className={`font-medium ${arm.lift.estimate > 0 ? "text-brand-700" : arm.lift.estimate < 0 ? "text-red-700" : "text-stone-800"}`}
                    >
                      {signedPercent(arm.lift.estimate)}
                    </span>
                    <span className="block text-xs text-stone-500">
                      {interval(corrected ? arm.lift.adjustedCi : arm.lift.ci)}
                    </span>
                  </>
                ) : (
                  <span className="text-xs text-stone-500" title={arm.liftUnavailable ?? undefined}>
                    —
                  </span>
                )}
              </td>
              <td className={NUM}>{arm.lift ? pValue(corrected ? arm.lift.adjustedPValue : arm.lift.pValue) : "—"}</td>
              <td className={NUM}>
                {/* One chance per arm: of having the highest rate of all arms (with two arms, of beating the other). */}
                <span data-testid="arm-probability-best">{percent(arm.probabilityBest)}</span>
                {arm.risk ? (
                  <span
                    className="mt-1 ml-auto block w-28 text-xs whitespace-normal text-stone-500"
                    data-testid="arm-risk"
                    title={`Expected loss: what choosing an arm costs, on average over what the data still allow, if the other is in fact better. In percentage points of conversion rate (${result.arms[0].label} converts ${percent(result.arms[0].conversionRate, 2)}).`}
                  >
                    <span className="block">
                      if you pick {arm.label}:{" "}
                      {points(expectedLossPoints(arm.risk.ship, result.arms[0].conversionRate))}
                    </span>
                    <span className="block">
                      if you keep {result.arms[0].label}:{" "}
                      {points(expectedLossPoints(arm.risk.keepControl, result.arms[0].conversionRate))}
                    </span>
                  </span>
                ) : null}
              </td>
              <td className="py-3 pl-3">
                <Badge tone={STATUS_TONES[arm.status] ?? "stone"}>{STATUS_LABELS[arm.status] ?? arm.status}</Badge>
              </td>
            </tr>
          ))}
          {result.holdout ? (
            <tr data-testid="holdout-row" className="align-top bg-stone-50/60">
              <td className="py-3 pr-2">
                <span className="font-medium text-stone-700">Holdout</span>
                <span className="block text-xs text-stone-500">
                  {weight(result.holdout.publishedWeight)} · gets nothing
                </span>
              </td>
              <td className={NUM}>{count(result.holdout.assigned)}</td>
              <td className={NUM}>{count(result.holdout.messages)} sent</td>
              <td className={NUM}>
                {count(result.holdout.converted)}
                <span className="block text-xs text-stone-500">{percent(result.holdout.conversionRate, 2)}</span>
              </td>
              {hasRevenue ? <td className={NUM}>{amount(result.holdout.revenuePerAssigned)}</td> : null}
              <td className={NUM} colSpan={3}>
                <span className="text-xs text-stone-500">measures incrementality, below</span>
              </td>
              <td className="py-3 pl-3" />
            </tr>
          ) : null}
        </tbody>
      </table>
      <p className="mt-3 text-xs text-stone-500" data-testid="test-method">
        Intent to treat: everyone assigned counts, messaged or not. Conversions within {result.goal.attributionHours} h
        of assignment
        {result.goal.eventName ? ` (${result.goal.eventName})` : ""}. p-values and intervals:{" "}
        <strong className="font-medium text-stone-700">{result.test.label}</strong>
        {result.test.nStar ? `, tuned for ${count(result.test.nStar)} people` : ""}. Multiple testing:{" "}
        <strong className="font-medium text-stone-700" data-testid="correction">
          {correction.text}
        </strong>
        . Chance to be best: the exact Beta–Bernoulli chance that the arm has the highest conversion rate of all arms
        (uniform prior). Expected loss: Bayesian, {priorText(result)}; what picking the arm (or keeping control) gives
        up on average if it is in fact worse, in percentage points of conversion rate. Statuses need{" "}
        {plural(result.thresholds.minAssigned, "person", "people")} and{" "}
        {plural(result.thresholds.minConversions, "conversion")} in every arm.
      </p>
    </div>
  );
}

/** Unsubscribes, bounces and spam complaints per arm, per person assigned. */
export function GuardrailsTable({ result }: { result: ExperimentAnalysis }) {
  const rows = [
    ["unsubscribed", "Unsubscribes"],
    ["bounced", "Bounces"],
    ["complained", "Spam complaints"],
  ] as const;
  return (
    <table className="w-full text-left text-sm" data-testid="guardrails">
      <thead className="text-xs tracking-wide text-stone-500 uppercase">
        <tr>
          <th className="py-2 font-medium">Guardrail</th>
          {result.arms.map((arm) => (
            <th key={arm.armId} className={HEAD}>
              {arm.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-stone-100">
        {rows.map(([key, label]) => (
          <tr key={key}>
            <td className="py-2.5 text-stone-700">{label}</td>
            {result.arms.map((arm) => {
              const g = arm.guardrails[key];
              return (
                <td key={arm.armId} className={`${NUM} py-2.5`}>
                  {count(g.count)} <span className="text-xs text-stone-500">({percent(g.rate, 2)})</span>
                  {g.worse ? (
                    <span className="ml-2">
                      <Badge tone="red">worse</Badge>
                    </span>
                  ) : null}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function IncrementalityPanel({ result }: { result: ExperimentAnalysis }) {
  const inc = result.incrementality;
  if (!inc) return null;
  const ciCount = (ci: [number | null, number | null] | null) =>
    ci ? `[${ci[0] === null ? "−∞" : count(ci[0])}, ${ci[1] === null ? "+∞" : count(ci[1])}]` : "";
  const ciAmount = (ci: [number | null, number | null] | null) =>
    ci ? `[${ci[0] === null ? "−∞" : amount(ci[0])}, ${ci[1] === null ? "+∞" : amount(ci[1])}]` : "";
  return (
    <>
      <dl className="grid gap-4 sm:grid-cols-3" data-testid="incrementality">
        <div>
          <dt className="text-xs font-medium tracking-wide text-stone-500 uppercase">Extra conversions</dt>
          <dd className="mt-1 text-2xl font-semibold text-stone-900 tabular-nums">
            {inc.extraConversions >= 0 ? "+" : "−"}
            {count(Math.abs(inc.extraConversions))}
          </dd>
          <dd className="text-xs text-stone-500">
            {ciCount(inc.extraConversionsCi)} among {count(inc.treatedAssigned)} people treated
            {inc.pValue !== null ? ` · p ${pValue(inc.pValue)}` : ""}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium tracking-wide text-stone-500 uppercase">Lift over holdout</dt>
          <dd className="mt-1 text-2xl font-semibold text-stone-900 tabular-nums">
            {signedPercent(inc.lift?.estimate)}
          </dd>
          <dd className="text-xs text-stone-500">
            {percent(inc.treatedConversionRate, 2)} treated vs {percent(inc.holdoutConversionRate, 2)} held out
            {inc.lift ? ` · ${interval(inc.lift.ci)}` : ""}
          </dd>
        </div>
        {inc.extraRevenue !== null ? (
          <div>
            <dt className="text-xs font-medium tracking-wide text-stone-500 uppercase">Extra revenue</dt>
            <dd className="mt-1 text-2xl font-semibold text-stone-900 tabular-nums">{amount(inc.extraRevenue)}</dd>
            <dd className="text-xs text-stone-500">{ciAmount(inc.extraRevenueCi)}</dd>
          </div>
        ) : null}
      </dl>
      <WouldHaveMessaged result={result} />
    </>
  );
}

/**
 * Held-out people walk the control arm's path with its messages withheld; the engine records when each would
 * have been messaged. Results stored before that existed have no figure, and show no line.
 */
function WouldHaveMessaged({ result }: { result: ExperimentAnalysis }) {
  const held = result.holdout;
  const would = held?.wouldHaveMessaged;
  if (!held || !would) return null;
  return (
    <p className="mt-4 text-sm text-stone-600" data-testid="would-have-messaged">
      {would.people > 0 ? (
        <>
          <strong className="font-medium text-stone-900 tabular-nums">{count(would.people)}</strong> of{" "}
          {count(held.assigned)} held-out {held.assigned === 1 ? "person" : "people"} reached a message step on{" "}
          {result.arms[0].label}’s path and would have been messaged, a median of{" "}
          <strong className="font-medium text-stone-900">{hours(would.medianHours)}</strong> after assignment. Nothing
          was sent.
        </>
      ) : (
        <>No held-out person has reached a message step on {result.arms[0].label}’s path yet.</>
      )}
    </p>
  );
}
