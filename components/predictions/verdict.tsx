import { Badge } from "@/components/ui/card";
import type { TrainingStatus } from "@/lib/predictions/views";
import type { Verdict } from "@/lib/predictions/types";

/** A model's verdict and a prediction's training state, in the words and colours the pages share. */

const VERDICTS: Record<Verdict, { label: string; tone: "brand" | "amber" | "red" | "stone" }> = {
  good: { label: "Good enough to target", tone: "brand" },
  weak: { label: "Weak: use with care", tone: "amber" },
  not_enough_data: { label: "Not enough data", tone: "stone" },
  no_better_than_baseline: { label: "No better than recency", tone: "red" },
  failed: { label: "Training failed", tone: "red" },
};

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const v = VERDICTS[verdict];
  return <Badge tone={v.tone}>{v.label}</Badge>;
}

const STATUS: Record<TrainingStatus, { label: string; tone: "brand" | "amber" | "red" | "stone" }> = {
  idle: { label: "Trained", tone: "stone" },
  queued: { label: "Queued", tone: "amber" },
  training: { label: "Training…", tone: "amber" },
  failed: { label: "Last training failed", tone: "red" },
};

export function TrainingBadge({ status, trained }: { status: TrainingStatus; trained: boolean }) {
  const s = status === "idle" && !trained ? { label: "Not trained yet", tone: "stone" as const } : STATUS[status];
  return (
    <span data-testid="training-status">
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
  );
}
