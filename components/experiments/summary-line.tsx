import type { ExperimentSummary } from "@/lib/experiments/summary";

const TONES: Record<ExperimentSummary["state"], string> = {
  no_data: "bg-stone-50 text-stone-700 ring-stone-200",
  srm: "bg-red-50 text-red-800 ring-red-200",
  no_goal: "bg-amber-50 text-amber-900 ring-amber-200",
  winner: "bg-brand-50 text-brand-900 ring-brand-200",
  too_few: "bg-amber-50 text-amber-900 ring-amber-200",
  ahead: "bg-stone-50 text-stone-800 ring-stone-200",
  no_difference: "bg-stone-50 text-stone-800 ring-stone-200",
};

/** The experiment in one plain line, before the statistics (lib/experiments/summary.ts decides what it says). */
export function ExperimentSummaryLine({ summary }: { summary: ExperimentSummary }) {
  return (
    <p
      data-testid="experiment-summary"
      data-state={summary.state}
      className={`rounded-lg px-4 py-3 text-base font-medium ring-1 ${TONES[summary.state]}`}
    >
      {summary.text}
    </p>
  );
}
