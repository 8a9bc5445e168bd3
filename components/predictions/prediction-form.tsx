"use client";

import { Plus, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { OPERATOR_LABELS } from "@/components/segments/model";
import { Button } from "@/components/ui/button";
import { FormAlert, SelectField, TextField } from "@/components/ui/field";
import { useApiForm } from "@/components/ui/use-api-form";
import {
  deriveKey,
  RETRAIN_DAYS,
  type StartingPoint,
  type TCreatePrediction,
} from "@/lib/predictions/definitions-schemas";
import type { PredictionKind } from "@/lib/predictions/types";
import { predictionsClient } from "./api";
import { QuestionFields } from "./question-fields";

/**
 * Predictions → new: the kind, the event(s) from the workspace's event catalog (with optional property filters
 * for a propensity), the horizon, an optional audience segment and the key templates use (derived from the name
 * until it is typed). Each problem the API names shows beside its field.
 */

const FILTER_OPERATORS = ["equals", "not_equals", "contains", "gt", "gte", "lt", "lte", "exists"] as const;
type FilterOperator = (typeof FILTER_OPERATORS)[number];
interface FilterDraft {
  property: string;
  operator: FilterOperator;
  value: string;
}

function filterBody(f: FilterDraft) {
  if (f.operator === "exists") return { property: f.property, operator: f.operator };
  const numeric = ["gt", "gte", "lt", "lte"].includes(f.operator);
  const value = numeric && f.value.trim() !== "" && !Number.isNaN(Number(f.value)) ? Number(f.value) : f.value;
  return { property: f.property, operator: f.operator, value };
}

export interface CatalogEvent {
  name: string;
  properties: string[];
}

export function PredictionForm({
  slug,
  events,
  segments,
  startingPoints,
}: {
  slug: string;
  events: CatalogEvent[];
  segments: { id: string; name: string; memberCount: number }[];
  startingPoints: StartingPoint[];
}) {
  const router = useRouter();
  const form = useApiForm();
  const [kind, setKind] = useState<PredictionKind>("propensity");
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const [keyTyped, setKeyTyped] = useState(false);
  const [eventName, setEventName] = useState("");
  const [filters, setFilters] = useState<FilterDraft[]>([]);
  const [churnEvents, setChurnEvents] = useState<string[]>([]);
  const [horizon, setHorizon] = useState("14");
  const [audience, setAudience] = useState("");
  const [retrain, setRetrain] = useState(String(RETRAIN_DAYS.default));
  const errors = form.fieldErrors;
  const shownKey = keyTyped ? key : (deriveKey(name) ?? "");

  function start(point: StartingPoint) {
    const d = point.definition;
    setKind(d.kind);
    setName(d.name);
    setKey(d.key ?? "");
    setKeyTyped(true);
    setHorizon(String(d.horizonDays));
    if (d.kind === "churn") setChurnEvents([...d.target.eventNames]);
    else {
      setEventName(d.target.eventName);
      setFilters([]);
    }
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const common = {
      name,
      ...(shownKey ? { key: shownKey } : {}),
      horizonDays: horizon.trim() === "" ? Number.NaN : Number(horizon),
      audienceSegmentId: audience || null,
      retrainEveryDays: Number(retrain),
    };
    const body: TCreatePrediction =
      kind === "churn"
        ? { ...common, kind, target: { eventNames: churnEvents } }
        : { ...common, kind, target: { eventName, filters: filters.map(filterBody) } };
    const created = await form.submit(predictionsClient.create(slug, body));
    if (created) router.push(`/w/${slug}/predictions/${created.id}`);
  }

  const properties = events.find((e) => e.name === eventName)?.properties ?? [];
  const churnErrors = Object.entries(errors)
    .filter(([path]) => path.startsWith("target.eventNames"))
    .map(([, message]) => message);
  const shown = (path: string) =>
    ["name", "key", "kind", "horizonDays", "audienceSegmentId", "retrainEveryDays", "target.eventName"].includes(
      path,
    ) ||
    path.startsWith("target.eventNames") ||
    path.startsWith("target.filters.");
  const unshown = Object.entries(errors).filter(([path]) => !shown(path));

  return (
    <form method="post" onSubmit={submit} className="space-y-6" aria-label="New prediction">
      <div>
        <p className="text-sm font-medium text-stone-800">Start from</p>
        <div className="mt-2 flex flex-wrap gap-3">
          {startingPoints.map((p) => (
            <div key={p.id} className="max-w-xs">
              <Button variant="secondary" onClick={() => start(p)} disabled={!p.available}>
                {p.title}
              </Button>
              {p.unavailableBecause ? (
                <p className="mt-1 text-xs text-stone-500">Not available: {p.unavailableBecause}.</p>
              ) : null}
            </div>
          ))}
        </div>
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} />
        <TextField
          label="Key"
          value={shownKey}
          onChange={(e) => {
            setKey(e.target.value);
            setKeyTyped(true);
          }}
          error={errors.key}
          hint={`Templates read it as {{ profile.predictions.${shownKey || "<key>"}.score }}; it cannot change later.`}
        />
      </div>

      <SelectField
        label="What to predict"
        value={kind}
        onChange={(e) => setKind(e.target.value as PredictionKind)}
        error={errors.kind}
      >
        <option value="propensity">Will the person do an event (propensity)</option>
        <option value="churn">Will the person do none of some events (churn)</option>
      </SelectField>

      {events.length === 0 ? (
        <p className="rounded-md bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
          No events have been received in this workspace yet. A prediction learns from history: send events first
          (Settings → API keys has the write key), then come back.
        </p>
      ) : kind === "propensity" ? (
        <div className="space-y-3">
          <SelectField
            label="Event"
            value={eventName}
            onChange={(e) => setEventName(e.target.value)}
            error={errors["target.eventName"]}
            hint="From the events this workspace has received."
          >
            <option value="">Choose an event…</option>
            {events.map((e) => (
              <option key={e.name} value={e.name}>
                {e.name}
              </option>
            ))}
          </SelectField>
          {filters.map((f, i) => (
            <fieldset
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
              key={i}
              className="grid items-end gap-3 sm:grid-cols-[1fr_1fr_1fr_auto]"
              aria-label={`Filter ${i + 1}`}
            >
              <TextField
                label="Property"
                list={`prediction-properties-${i}`}
                value={f.property}
                onChange={(e) => setFilters(filters.map((x, j) => (j === i ? { ...x, property: e.target.value } : x)))}
                error={errors[`target.filters.${i}.property`]}
              />
              <datalist id={`prediction-properties-${i}`}>
                {properties.map((p) => (
                  <option key={p} value={p} />
                ))}
              </datalist>
              <SelectField
                label="Operator"
                value={f.operator}
                onChange={(e) =>
                  setFilters(
                    filters.map((x, j) => (j === i ? { ...x, operator: e.target.value as FilterOperator } : x)),
                  )
                }
                error={errors[`target.filters.${i}.operator`]}
              >
                {FILTER_OPERATORS.map((o) => (
                  <option key={o} value={o}>
                    {OPERATOR_LABELS[o]}
                  </option>
                ))}
              </SelectField>
              <TextField
                label="Value"
                value={f.value}
                disabled={f.operator === "exists"}
                onChange={(e) => setFilters(filters.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
                error={errors[`target.filters.${i}.value`]}
              />
              <Button
                variant="ghost"
                aria-label={`Remove filter ${i + 1}`}
                onClick={() => setFilters(filters.filter((_, j) => j !== i))}
              >
                <X className="h-4 w-4" aria-hidden="true" />
              </Button>
            </fieldset>
          ))}
          <Button
            variant="ghost"
            onClick={() => setFilters([...filters, { property: "", operator: "equals", value: "" }])}
            disabled={filters.length >= 10}
          >
            <Plus className="h-4 w-4" aria-hidden="true" /> Add a property filter
          </Button>
        </div>
      ) : (
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-stone-800">Churned means none of these events</legend>
          <div className="max-h-56 space-y-1 overflow-y-auto rounded-md p-3 ring-1 ring-stone-200 ring-inset">
            {events.map((e) => (
              <label key={e.name} className="flex items-center gap-2 text-sm text-stone-800">
                <input
                  type="checkbox"
                  checked={churnEvents.includes(e.name)}
                  onChange={(x) =>
                    setChurnEvents(
                      x.target.checked ? [...churnEvents, e.name] : churnEvents.filter((n) => n !== e.name),
                    )
                  }
                />
                {e.name}
              </label>
            ))}
          </div>
          {churnErrors.map((m) => (
            <p key={m} role="alert" className="text-sm text-red-700">
              {m}
            </p>
          ))}
        </fieldset>
      )}

      <div className="grid gap-4 sm:grid-cols-3">
        <QuestionFields
          horizon={horizon}
          setHorizon={setHorizon}
          audience={audience}
          setAudience={setAudience}
          retrain={retrain}
          setRetrain={setRetrain}
          segments={segments}
          errors={errors}
        />
      </div>

      <FormAlert
        message={form.formError ?? (unshown.length ? unshown.map(([p, m]) => `${p}: ${m}`).join("; ") : null)}
      />
      <Button type="submit" disabled={form.pending || !name}>
        {form.pending ? "Creating…" : "Create and train"}
      </Button>
    </form>
  );
}
