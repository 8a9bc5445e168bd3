import { OPERATOR_LABELS } from "@/components/segments/model";
import type { PredictionSummary } from "@/lib/predictions/views";

/** What a prediction asks, in words: "Will the person do Order Completed (where total ≥ 50) in the next 14 days?" */
export function questionOf(p: Pick<PredictionSummary, "kind" | "target" | "horizonDays">): string {
  const days = `${p.horizonDays} day${p.horizonDays === 1 ? "" : "s"}`;
  if ("eventNames" in p.target)
    return `Will the person do none of ${p.target.eventNames.join(", ")} in the next ${days}?`;
  const filters = p.target.filters ?? [];
  const where = filters.length
    ? ` (where ${filters
        .map(
          (f) =>
            `${f.property} ${OPERATOR_LABELS[f.operator as keyof typeof OPERATOR_LABELS] ?? f.operator}${f.value === undefined ? "" : ` ${JSON.stringify(f.value)}`}`,
        )
        .join(" and ")})`
    : "";
  return `Will the person do ${p.target.eventName}${where} in the next ${days}?`;
}
