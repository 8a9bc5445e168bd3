"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ExperimentSettings } from "@/lib/experiments/experiment-settings";
import { api } from "../api/client";
import { Button } from "../ui/button";
import { SelectField, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

const MODES = [
  { value: "off", title: "Off", text: "Keep the published weights. You decide when to stop." },
  {
    value: "winner",
    title: "Route to the winner",
    text: "Once the sequential test finds a winner (enough data, no sample ratio mismatch), every new person goes to it.",
  },
  {
    value: "bandit",
    title: "Bandit",
    text: "Thompson sampling moves traffic to the arms more likely to be best, at most once per attribution window; every arm keeps at least 1% of all traffic.",
  },
] as const;

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Auto-winner and test settings. Viewers see them, disabled. */
export function AutoWinnerForm({
  slug,
  journeyId,
  nodeId,
  settings,
  canEdit,
  holdoutWeight,
}: {
  slug: string;
  journeyId: string;
  nodeId: string;
  settings: ExperimentSettings;
  canEdit: boolean;
  holdoutWeight: number;
}) {
  const router = useRouter();
  const { pending, formError, fieldErrors, submit } = useApiForm();
  const [mode, setMode] = useState(settings.autoWinner);
  const [test, setTest] = useState(settings.test);
  const [nStar, setNStar] = useState(String(settings.nStar));
  const [correction, setCorrection] = useState(settings.correction);
  // The prior in percent of lift, as people think of it; both empty = flat.
  const [priorMean, setPriorMean] = useState(settings.prior ? String(round(settings.prior.mean * 100)) : "");
  const [priorSd, setPriorSd] = useState(settings.prior ? String(round(settings.prior.sd * 100)) : "");
  const [saved, setSaved] = useState(false);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setSaved(false);
    const flat = priorMean.trim() === "" && priorSd.trim() === "";
    // A half-filled prior goes to the server as it is, so its message lands on the empty field.
    const prior = flat
      ? null
      : {
          mean: priorMean.trim() === "" ? undefined : Number(priorMean) / 100,
          sd: priorSd.trim() === "" ? undefined : Number(priorSd) / 100,
        };
    const result = await submit(
      api.experiments.updateSettings(slug, journeyId, nodeId, {
        autoWinner: mode,
        test,
        nStar: nStar.trim() === "" ? undefined : Number(nStar),
        correction,
        prior,
      }),
    );
    if (result) {
      setSaved(true);
      router.refresh();
    }
  }

  return (
    <form
      method="post"
      onSubmit={save}
      className="space-y-4"
      data-testid="auto-winner-form"
      aria-label="Auto-winner settings"
    >
      <fieldset disabled={!canEdit || pending} className="min-w-0 space-y-4">
        <legend className="sr-only">Auto-winner</legend>
        <div className="space-y-2" role="radiogroup" aria-label="Auto-winner">
          {MODES.map((m) => (
            <label
              key={m.value}
              className={`flex cursor-pointer items-start gap-3 rounded-lg p-3 ring-1 ${mode === m.value ? "bg-brand-50 ring-brand-200" : "ring-stone-200"} ${canEdit ? "" : "cursor-not-allowed opacity-75"}`}
            >
              <input
                type="radio"
                name="autoWinner"
                value={m.value}
                checked={mode === m.value}
                onChange={() => setMode(m.value)}
                className="mt-0.5 h-4 w-4 accent-brand-700"
              />
              <span>
                <span className="block text-sm font-medium text-stone-900">{m.title}</span>
                <span className="block text-xs text-stone-600">{m.text}</span>
              </span>
            </label>
          ))}
          {fieldErrors.autoWinner ? (
            <p role="alert" className="text-sm text-red-700">
              {fieldErrors.autoWinner}
            </p>
          ) : null}
          {holdoutWeight > 0 ? (
            <p className="text-xs text-stone-500">The {holdoutWeight}% holdout stays fixed in every mode.</p>
          ) : null}
        </div>
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField
            label="p-values and intervals"
            value={test}
            onChange={(e) => setTest(e.target.value as ExperimentSettings["test"])}
            error={fieldErrors.test}
            hint="Sequential: look any time. Fixed horizon: look once, at a size planned in advance."
          >
            <option value="sequential">Sequential (always valid)</option>
            <option value="fixed">Fixed horizon</option>
          </SelectField>
          <TextField
            label="Sequential tuning N*"
            type="number"
            min={100}
            value={nStar}
            onChange={(e) => setNStar(e.target.value)}
            error={fieldErrors.nStar}
            hint="The total number of people where the interval is tightest: set it near the traffic you expect."
          />
          <SelectField
            label="Multiple-testing correction"
            value={correction}
            onChange={(e) => setCorrection(e.target.value as ExperimentSettings["correction"])}
            error={fieldErrors.correction}
            hint="Over every arm's conversion, revenue and guardrails. Holm: no false winner in the set; Benjamini–Hochberg: few, with more power."
          >
            <option value="holm">Holm–Bonferroni</option>
            <option value="bh">Benjamini–Hochberg</option>
          </SelectField>
          <div className="grid grid-cols-2 gap-3">
            <TextField
              label="Prior lift mean (%)"
              type="number"
              step="any"
              value={priorMean}
              onChange={(e) => setPriorMean(e.target.value)}
              error={fieldErrors["prior.mean"] ?? fieldErrors.prior}
              hint="Empty: flat prior."
            />
            <TextField
              label="Prior lift SD (%)"
              type="number"
              step="any"
              min={0}
              value={priorSd}
              onChange={(e) => setPriorSd(e.target.value)}
              error={fieldErrors["prior.sd"]}
              hint="For chance to win and risk."
            />
          </div>
        </div>
      </fieldset>
      {formError ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
          {formError}
        </p>
      ) : null}
      {canEdit ? (
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Save settings"}
          </Button>
          {saved ? (
            <span className="text-sm text-brand-700" role="status">
              Saved
            </span>
          ) : null}
        </div>
      ) : (
        <p className="text-xs text-stone-500">
          Viewers can read these settings; an editor, admin or owner can change them.
        </p>
      )}
    </form>
  );
}
