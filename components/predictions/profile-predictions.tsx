import { ArrowDown, ArrowUp } from "lucide-react";
import Link from "next/link";
import { Badge } from "@/components/ui/card";
import type { ProfilePrediction } from "@/lib/predictions/store/profile-predictions";

/**
 * The profile page's Predictions card: per live prediction the person's score (0–100), tier and the reasons, the
 * features that moved this person's score most against the average person (up raises it, down lowers it).
 */

const TIER_TONE = { high: "red", medium: "amber", low: "stone" } as const;
const value = (v: number) => (Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(2));

export function ProfilePredictions({
  slug,
  predictions,
}: {
  slug: string;
  predictions: Record<string, ProfilePrediction>;
}) {
  const entries = Object.entries(predictions);
  if (entries.length === 0)
    return (
      <p className="text-sm text-stone-500">
        No scores for this person: a prediction scores people once its model is published (and only its audience).
      </p>
    );
  return (
    <ul className="space-y-5" data-testid="profile-predictions">
      {entries.map(([key, p]) => (
        <li key={key}>
          <div className="flex items-center justify-between gap-3">
            <Link
              href={`/w/${slug}/predictions/${p.predictionId}`}
              className="font-medium text-brand-700 hover:underline"
            >
              {p.name}
            </Link>
            <span className="flex items-center gap-2">
              <span
                className="text-lg font-semibold tabular-nums text-stone-900"
                aria-label={`score ${p.score} of 100`}
                data-testid="prediction-score"
              >
                {p.score}
              </span>
              <Badge tone={TIER_TONE[p.tier]}>{p.tier}</Badge>
            </span>
          </div>
          <p className="text-xs text-stone-500">
            <code>{`profile.predictions.${key}`}</code>
          </p>
          {p.reasons.length ? (
            <ul className="mt-2 space-y-1 text-sm">
              {p.reasons.map((r) => (
                <li key={r.feature} className="flex items-center gap-2 text-stone-700">
                  {r.contribution >= 0 ? (
                    <ArrowUp className="h-3.5 w-3.5 shrink-0 text-red-600" aria-label="raises the score" />
                  ) : (
                    <ArrowDown className="h-3.5 w-3.5 shrink-0 text-brand-700" aria-label="lowers the score" />
                  )}
                  <span className="min-w-0 flex-1 truncate">{r.label}</span>
                  <span className="tabular-nums text-stone-900">{value(r.value)}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
