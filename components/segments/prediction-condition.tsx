"use client";

import { usePredictions } from "../canvas/fields/prediction-picker";
import { MiniInput, MiniSelect } from "./controls";
import { type Draft, describe, parseNumber, SCORE_OPERATOR_LABELS, TIER_LABELS } from "./model";

/**
 * The prediction condition's fields: which prediction (by name), then tier checkboxes or a score comparison
 * (lib/predictions/rules.ts). Error paths inside the condition: predictionId, test.kind, test.tiers, test.operator,
 * test.value.
 */
export function PredictionFields({
  c,
  set,
  err,
}: {
  c: Record<string, unknown>;
  set: (patch: Record<string, unknown>) => void;
  err: (field: string) => string | undefined;
}) {
  const { predictions, loadError } = usePredictions();
  const id = String(c.predictionId ?? "");
  const known = predictions?.some((p) => p.id === id);
  const test = (c.test && typeof c.test === "object" ? c.test : { kind: "tier", tiers: ["high"] }) as Record<
    string,
    unknown
  >;
  const tiers = Array.isArray(test.tiers) ? (test.tiers as string[]) : [];
  const setTest = (patch: Record<string, unknown>) => set({ test: { ...test, ...patch } });
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-start gap-2">
        <MiniSelect
          label="Prediction"
          value={id}
          onChange={(e) => set({ predictionId: e.target.value })}
          error={err("predictionId")}
          width="w-72"
        >
          <option value="">
            {predictions === null
              ? "Loading predictions…"
              : predictions.length
                ? "Choose a prediction"
                : "No predictions yet"}
          </option>
          {id && predictions && !known ? <option value={id}>Unknown prediction ({id})</option> : null}
          {(predictions ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </MiniSelect>
        <MiniSelect
          label="Test"
          value={test.kind === "score" ? "score" : "tier"}
          onChange={(e) =>
            set({
              test:
                e.target.value === "score"
                  ? { kind: "score", operator: "gte", value: 50 }
                  : { kind: "tier", tiers: ["high"] },
            })
          }
          error={err("test.kind") ?? err("test")}
          width="w-40"
        >
          <option value="tier">tier is</option>
          <option value="score">score (0–100)</option>
        </MiniSelect>
        {test.kind === "score" ? (
          <>
            <MiniSelect
              label="Operator"
              value={String(test.operator ?? "gte")}
              onChange={(e) => setTest({ operator: e.target.value })}
              error={err("test.operator")}
              width="w-32"
            >
              {Object.entries(SCORE_OPERATOR_LABELS).map(([op, label]) => (
                <option key={op} value={op}>
                  {label}
                </option>
              ))}
            </MiniSelect>
            <MiniInput
              label="Score"
              type="number"
              min={0}
              max={100}
              value={test.value === undefined ? "" : String(test.value)}
              onChange={(e) => setTest({ value: parseNumber(e.target.value) })}
              error={err("test.value")}
              width="w-24"
            />
          </>
        ) : (
          <fieldset className="pt-1">
            <legend className="mb-1 text-xs font-medium text-stone-600">Tiers</legend>
            <div className="flex gap-3">
              {Object.entries(TIER_LABELS).map(([tier, label]) => (
                <label key={tier} className="flex items-center gap-1.5 text-sm text-stone-700">
                  <input
                    type="checkbox"
                    checked={tiers.includes(tier)}
                    onChange={(e) =>
                      setTest({
                        kind: "tier",
                        tiers: e.target.checked
                          ? Object.keys(TIER_LABELS).filter((t) => t === tier || tiers.includes(t))
                          : tiers.filter((t) => t !== tier),
                      })
                    }
                  />
                  {label}
                </label>
              ))}
            </div>
            {err("test.tiers") ? <p className="mt-1 text-xs text-red-700">{err("test.tiers")}</p> : null}
          </fieldset>
        )}
      </div>
      {loadError ? <p className="text-xs text-red-700">{loadError}</p> : null}
      <p className="text-xs text-stone-500">
        People with no score on the prediction (not scored yet, or outside its audience) never match.
      </p>
    </div>
  );
}

/** The read-only sentence, with the prediction by name once the list has loaded. */
export function PredictionSentence({ c }: { c: Draft }) {
  const { predictions } = usePredictions();
  return (
    <>
      {describe(
        c,
        (id) => id,
        (id) => predictions?.find((p) => p.id === id)?.name ?? (id ? `prediction ${id}` : "(none chosen)"),
      )}
    </>
  );
}
