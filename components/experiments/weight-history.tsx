import type { WeightChangeView } from "@/lib/experiments/read-experiments";
import { formatDateTime } from "../ui/format";

const ACTOR: Record<string, string> = { system: "Automatic", user: "Changed by", api_key: "Changed through" };

/** Every weight change, newest first, with its reason and who or what made it. */
export function WeightHistory({ changes, published }: { changes: WeightChangeView[]; published: string }) {
  return (
    <ol className="relative space-y-5 border-l border-stone-200 pl-5" data-testid="weight-history">
      {changes.map((change, i) => (
        <li key={`${change.at}-${i}`} className="relative" data-testid="weight-change">
          <span
            className={`absolute top-1.5 -left-[26px] h-2.5 w-2.5 rounded-full ring-4 ring-white ${change.actorType === "system" ? "bg-brand-600" : "bg-stone-400"}`}
            aria-hidden="true"
          />
          <p className="text-sm font-medium text-stone-900">{change.description}</p>
          <p className="mt-0.5 text-sm text-stone-600">{change.reason}</p>
          <p className="mt-0.5 text-xs text-stone-500">
            {formatDateTime(change.at)} ·{" "}
            {change.actorType === "system"
              ? change.actorLabel
              : `${ACTOR[change.actorType] ?? ""} ${change.actorLabel}`}
          </p>
        </li>
      ))}
      <li className="relative">
        <span
          className="absolute top-1.5 -left-[26px] h-2.5 w-2.5 rounded-full bg-stone-300 ring-4 ring-white"
          aria-hidden="true"
        />
        <p className="text-sm font-medium text-stone-700">{published}</p>
        <p className="mt-0.5 text-xs text-stone-500">
          The published weights{changes.length ? ", before the first change" : ", in effect now"}.
        </p>
      </li>
    </ol>
  );
}
