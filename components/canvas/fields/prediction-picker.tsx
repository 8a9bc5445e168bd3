"use client";

import Link from "next/link";
import { useParams } from "next/navigation";
import { useEffect, useState } from "react";
import type { listPredictions } from "@/lib/predictions/definitions";
import { path, sender } from "../../api/request";
import type { Answer } from "../../api/types";
import { SelectField, TextField } from "../../ui/field";

/**
 * Choosing a prediction and a test of a person's score on it, for the segment builder's prediction condition and
 * the journey inspector's prediction trigger and rules (lib/predictions/rules.ts is the shape both save).
 */

const send = sender("");

interface PredictionChoice {
  id: string;
  name: string;
  key: string;
}

/** The workspace's live predictions (GET /api/workspaces/[slug]/predictions). */
export function listPredictionChoices(slug: string) {
  return send<Answer<typeof listPredictions>>("GET", path`/workspaces/${slug}/predictions`);
}

/** The workspace's live predictions, loaded once per picker. */
export function usePredictions(): { predictions: PredictionChoice[] | null; loadError: string | null } {
  const { slug } = useParams<{ slug: string }>();
  const [predictions, setPredictions] = useState<PredictionChoice[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void listPredictionChoices(slug).then((result) => {
      if (cancelled) return;
      if (result.ok) setPredictions(result.data?.predictions ?? []);
      else
        setLoadError(
          result.error.code === "network" ? "Cannot reach Cairn to list the predictions." : result.error.message,
        );
    });
    return () => {
      cancelled = true;
    };
  }, [slug]);
  return { predictions, loadError };
}

export function PredictionPicker({
  value,
  onChange,
  error,
}: {
  value: unknown;
  onChange: (id: string) => void;
  error?: string;
}) {
  const { slug } = useParams<{ slug: string }>();
  const { predictions, loadError } = usePredictions();
  const selected = typeof value === "string" ? value : "";
  const known = predictions?.some((p) => p.id === selected);
  return (
    <div className="space-y-1.5">
      <SelectField
        label="Prediction"
        value={selected}
        onChange={(e) => onChange(e.target.value)}
        error={error}
        disabled={!predictions?.length}
      >
        <option value="">
          {predictions === null
            ? "Loading predictions…"
            : predictions.length
              ? "Choose a prediction"
              : "Nothing to choose yet"}
        </option>
        {selected && predictions && !known ? <option value={selected}>Unknown prediction ({selected})</option> : null}
        {(predictions ?? []).map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </SelectField>
      {loadError ? <p className="text-xs text-red-700">{loadError}</p> : null}
      {predictions && !predictions.length ? (
        <p className="rounded-md bg-amber-50 px-2.5 py-2 text-xs text-amber-900 ring-1 ring-amber-200">
          No predictions yet — define one in{" "}
          <Link href={`/w/${slug}/predictions`} className="font-medium underline">
            Predictions
          </Link>
          .
        </p>
      ) : null}
    </div>
  );
}

export const TIER_CHOICES = [
  { tier: "low", label: "Low" },
  { tier: "medium", label: "Medium" },
  { tier: "high", label: "High" },
] as const;

export const SCORE_OPERATOR_CHOICES = [
  { operator: "gte", label: "at least" },
  { operator: "gt", label: "above" },
  { operator: "lte", label: "at most" },
  { operator: "lt", label: "below" },
] as const;

/** A test while it is edited: every field optional. */
export interface PredictionTestDraft {
  kind?: "tier" | "score";
  tiers?: ("low" | "medium" | "high")[];
  operator?: "gte" | "gt" | "lte" | "lt";
  value?: number;
}

/** Tier checkboxes, or a score comparison (0–100). `path` is the test's problem path, e.g. "…conditions.0.test". */
export function PredictionTestFields({
  value,
  onChange,
  err,
  path: at,
}: {
  value: PredictionTestDraft | undefined;
  onChange: (test: PredictionTestDraft) => void;
  err: (path: string) => string | undefined;
  path: string;
}) {
  const test = value ?? { kind: "tier", tiers: ["high"] };
  const tiers = test.tiers ?? [];
  return (
    <div className="space-y-2">
      <SelectField
        label="Test"
        value={test.kind ?? "tier"}
        onChange={(e) =>
          onChange(
            e.target.value === "score"
              ? { kind: "score", operator: "gte", value: 50 }
              : { kind: "tier", tiers: ["high"] },
          )
        }
        error={err(`${at}.kind`)}
      >
        <option value="tier">Tier is</option>
        <option value="score">Score (0–100)</option>
      </SelectField>
      {test.kind === "score" ? (
        <div className="grid grid-cols-2 gap-2">
          <SelectField
            label="Operator"
            value={test.operator ?? "gte"}
            onChange={(e) => onChange({ ...test, operator: e.target.value as PredictionTestDraft["operator"] })}
            error={err(`${at}.operator`)}
          >
            {SCORE_OPERATOR_CHOICES.map((o) => (
              <option key={o.operator} value={o.operator}>
                {o.label}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Score"
            type="number"
            min={0}
            max={100}
            value={test.value === undefined || Number.isNaN(test.value) ? "" : String(test.value)}
            onChange={(e) => onChange({ ...test, value: e.target.value === "" ? undefined : Number(e.target.value) })}
            error={err(`${at}.value`)}
          />
        </div>
      ) : (
        <fieldset className="space-y-1">
          <legend className="text-xs font-medium text-stone-700">Tiers</legend>
          <div className="flex gap-3">
            {TIER_CHOICES.map((t) => (
              <label key={t.tier} className="flex items-center gap-1.5 text-sm text-stone-700">
                <input
                  type="checkbox"
                  checked={tiers.includes(t.tier)}
                  onChange={(e) =>
                    onChange({
                      ...test,
                      kind: "tier",
                      tiers: e.target.checked
                        ? TIER_CHOICES.map((c) => c.tier).filter((c) => c === t.tier || tiers.includes(c))
                        : tiers.filter((c) => c !== t.tier),
                    })
                  }
                />
                {t.label}
              </label>
            ))}
          </div>
          {err(`${at}.tiers`) ? <p className="text-xs text-red-700">{err(`${at}.tiers`)}</p> : null}
        </fieldset>
      )}
    </div>
  );
}

/** "tier high or medium", "score at least 70": a test in a summary line. */
export function describeTestDraft(test: PredictionTestDraft | undefined): string {
  if (!test) return "";
  if (test.kind === "score") {
    const words = SCORE_OPERATOR_CHOICES.find((o) => o.operator === test.operator)?.label ?? "";
    return `score ${words} ${test.value ?? "…"}`;
  }
  return test.tiers?.length ? `tier ${test.tiers.join(" or ")}` : "a tier";
}
