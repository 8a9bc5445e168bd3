"use client";

import { ExternalLink, Plus, Trash2 } from "lucide-react";
import Link from "next/link";
import { useId, type ReactNode } from "react";
import { MAX_VARIANTS, type BroadcastChannel } from "@/lib/broadcasts/schemas";
import { Button } from "../ui/button";
import { SelectField, TextField } from "../ui/field";
import {
  CHANNEL_LABELS,
  evenWeights,
  METRIC_LABELS,
  nextVariantKey,
  throttleDuration,
  winnerMetricsFor,
  type DraftForm,
} from "./model";
import type { TemplateOption } from "./new-broadcast-form";

type Errors = Record<string, string>;
type SetForm = (change: (form: DraftForm) => DraftForm) => void;

export function Section({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-stone-200" aria-label={title}>
      <div className="border-b border-stone-100 px-6 py-4">
        <h2 className="text-base font-semibold text-stone-900">{title}</h2>
        {description ? <p className="mt-0.5 text-sm text-stone-500">{description}</p> : null}
      </div>
      <div className="space-y-5 px-6 py-5">{children}</div>
    </section>
  );
}

/** A switch that turns an optional part of the draft on and off (winner test, throttle, conversion goal). */
function Toggle({
  label,
  checked,
  onChange,
  hint,
  disabled,
}: {
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  hint?: string;
  disabled: boolean;
}) {
  return (
    <label className="flex cursor-pointer items-start gap-3">
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        disabled={disabled}
        className="mt-0.5 h-4 w-4 rounded border-stone-300 accent-brand-700 disabled:cursor-not-allowed"
      />
      <span>
        <span className="block text-sm font-medium text-stone-800">{label}</span>
        {hint ? <span className="block text-xs text-stone-500">{hint}</span> : null}
      </span>
    </label>
  );
}

/** The variants (a template and a weight each), the holdout, and "send the winner to the rest". */
export function ContentSection({
  slug,
  channel,
  form,
  setForm,
  templates,
  errors,
  readOnly,
}: {
  slug: string;
  channel: BroadcastChannel;
  form: DraftForm;
  setForm: SetForm;
  templates: TemplateOption[];
  errors: Errors;
  readOnly: boolean;
}) {
  const ofChannel = templates.filter((t) => t.channel === channel);
  const several = form.variants.length > 1;
  const total = form.variants.reduce((sum, v) => sum + (Number(v.weight) || 0), 0);

  function addVariant() {
    setForm((f) => {
      const variants = [
        ...f.variants,
        { key: nextVariantKey(f.variants.map((v) => v.key)), name: "", templateId: "", weight: "0" },
      ];
      const weights = evenWeights(variants.length);
      return { ...f, variants: variants.map((v, i) => ({ ...v, weight: String(weights[i]) })) };
    });
  }
  function removeVariant(index: number) {
    setForm((f) => {
      const variants = f.variants.filter((_, i) => i !== index);
      const weights = evenWeights(variants.length);
      return {
        ...f,
        variants: variants.map((v, i) => ({ ...v, weight: String(weights[i]) })),
        winnerTest: variants.length > 1 && f.winnerTest,
      };
    });
  }
  const setVariant = (index: number, change: Partial<DraftForm["variants"][number]>) =>
    setForm((f) => ({ ...f, variants: f.variants.map((v, i) => (i === index ? { ...v, ...change } : v)) }));

  return (
    <Section
      title="Content"
      description={`${CHANNEL_LABELS[channel]} templates. Two or more variants split the audience by weight; the results compare them.`}
    >
      <div className="space-y-4" data-testid="variants">
        {form.variants.map((v, i) => (
          <div key={v.key} className="rounded-lg p-4 ring-1 ring-stone-200" data-testid={`variant-${v.key}`}>
            <div className="mb-3 flex items-center justify-between">
              <h3 className="text-sm font-semibold text-stone-900">
                {several ? `Variant ${v.key}` : "Template"}
                {errors[`variants.${i}.key`] ? (
                  <span role="alert" className="ml-2 text-sm font-normal text-red-700">
                    {errors[`variants.${i}.key`]}
                  </span>
                ) : null}
              </h3>
              {readOnly || !several ? null : (
                <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => removeVariant(i)}>
                  <Trash2 className="h-3.5 w-3.5" aria-hidden="true" /> Remove variant {v.key}
                </Button>
              )}
            </div>
            <div className="grid gap-4 sm:grid-cols-[1fr_8rem]">
              <SelectField
                label={several ? `Template of variant ${v.key}` : "Template"}
                value={v.templateId}
                onChange={(e) => setVariant(i, { templateId: e.target.value })}
                error={errors[`variants.${i}.templateId`]}
                disabled={readOnly}
                hint={
                  v.templateId ? (
                    <Link
                      href={`/w/${slug}/templates/${v.templateId}`}
                      className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline"
                    >
                      Open the template <ExternalLink className="h-3 w-3" aria-hidden="true" />
                    </Link>
                  ) : (
                    `Saved ${CHANNEL_LABELS[channel].toLowerCase()} templates of this workspace`
                  )
                }
              >
                <option value="">Choose a template…</option>
                {ofChannel.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
                {v.templateId && !ofChannel.some((t) => t.id === v.templateId) ? (
                  <option value={v.templateId}>An archived or unsaved template</option>
                ) : null}
              </SelectField>
              {several ? (
                <TextField
                  label={`Weight of ${v.key} (%)`}
                  inputMode="numeric"
                  value={v.weight}
                  onChange={(e) => setVariant(i, { weight: e.target.value })}
                  error={errors[`variants.${i}.weight`]}
                  readOnly={readOnly}
                />
              ) : null}
            </div>
          </div>
        ))}
        {errors.variants ? (
          <p role="alert" className="text-sm text-red-700">
            {errors.variants}
          </p>
        ) : several ? (
          <p className={`text-xs ${total === 100 ? "text-stone-500" : "text-amber-700"}`}>
            Weights add up to {total} %{total === 100 ? "." : "; they must add up to 100."}
          </p>
        ) : null}
        {readOnly || form.variants.length >= MAX_VARIANTS ? null : (
          <Button variant="secondary" onClick={addVariant}>
            <Plus className="h-4 w-4" aria-hidden="true" /> Add a variant
          </Button>
        )}
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Holdout (%)"
          inputMode="numeric"
          value={form.holdoutPercent}
          onChange={(e) => setForm((f) => ({ ...f, holdoutPercent: e.target.value }))}
          error={errors.holdoutPercent}
          readOnly={readOnly}
          hint="People who get nothing, to measure what sending at all changes. 0 to send to everyone."
        />
      </div>

      {several ? (
        <div className="space-y-4 rounded-lg bg-stone-50 p-4 ring-1 ring-stone-200">
          <Toggle
            label="Send the winner to the rest"
            hint="A test group gets the variants first; after the test, the variant that leads goes to everyone else."
            checked={form.winnerTest}
            onChange={(on) => setForm((f) => ({ ...f, winnerTest: on }))}
            disabled={readOnly}
          />
          {form.winnerTest ? (
            <div className="grid gap-4 sm:grid-cols-3">
              <TextField
                label="Test group (%)"
                inputMode="numeric"
                value={form.testPercent}
                onChange={(e) => setForm((f) => ({ ...f, testPercent: e.target.value }))}
                error={errors.testPercent}
                readOnly={readOnly}
              />
              <TextField
                label="Decide after (hours)"
                inputMode="numeric"
                value={form.winnerAfterHours}
                onChange={(e) => setForm((f) => ({ ...f, winnerAfterHours: e.target.value }))}
                error={errors.winnerAfterHours}
                readOnly={readOnly}
              />
              <SelectField
                label="Winner by"
                value={form.winnerMetric}
                onChange={(e) => setForm((f) => ({ ...f, winnerMetric: e.target.value as DraftForm["winnerMetric"] }))}
                error={errors.winnerMetric}
                disabled={readOnly}
              >
                {winnerMetricsFor(channel).map((m) => (
                  <option key={m} value={m}>
                    {METRIC_LABELS[m]}
                  </option>
                ))}
              </SelectField>
            </div>
          ) : errors.testPercent ? (
            <p role="alert" className="text-sm text-red-700">
              {errors.testPercent}
            </p>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}

/** The conversion goal (an event within a window) and the throttle with how long the send will take. */
export function GoalSection({
  form,
  setForm,
  eventNames,
  audience,
  errors,
  readOnly,
}: {
  form: DraftForm;
  setForm: SetForm;
  eventNames: string[];
  /** the estimate's "will be sent", for the throttle's duration */
  audience: number | null;
  errors: Errors;
  readOnly: boolean;
}) {
  const listId = useId();
  const perMinute = Number(form.throttlePerMinute);
  const duration =
    form.throttle && audience != null && Number.isInteger(perMinute) ? throttleDuration(audience, perMinute) : null;
  return (
    <Section title="Goal and pace">
      <div className="space-y-4">
        <Toggle
          label="Count conversions"
          hint="People who do an event within a window after their message (the holdout: after the send) converted."
          checked={form.conversion}
          onChange={(on) => setForm((f) => ({ ...f, conversion: on }))}
          disabled={readOnly}
        />
        {form.conversion ? (
          <div className="grid gap-4 sm:grid-cols-[1fr_10rem]">
            <TextField
              label="Conversion event"
              list={listId}
              placeholder="e.g. Order Completed"
              value={form.conversionEvent}
              onChange={(e) => setForm((f) => ({ ...f, conversionEvent: e.target.value }))}
              error={errors.conversionEvent}
              readOnly={readOnly}
              hint={eventNames.length ? "An event this workspace has received, or a new name." : undefined}
            />
            <datalist id={listId}>
              {eventNames.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
            <TextField
              label="Within (hours)"
              inputMode="numeric"
              value={form.conversionWindowHours}
              onChange={(e) => setForm((f) => ({ ...f, conversionWindowHours: e.target.value }))}
              error={errors.conversionWindowHours}
              readOnly={readOnly}
            />
          </div>
        ) : errors.conversionEvent ? (
          <p role="alert" className="text-sm text-red-700">
            {errors.conversionEvent}
          </p>
        ) : null}
      </div>
      <div className="space-y-4 border-t border-stone-100 pt-5">
        <Toggle
          label="Limit the pace"
          hint="At most so many messages a minute, for a provider's rate limit or a website that must not get every visitor at once."
          checked={form.throttle}
          onChange={(on) => setForm((f) => ({ ...f, throttle: on }))}
          disabled={readOnly}
        />
        {form.throttle ? (
          <div className="max-w-xs">
            <TextField
              label="Messages per minute"
              inputMode="numeric"
              value={form.throttlePerMinute}
              onChange={(e) => setForm((f) => ({ ...f, throttlePerMinute: e.target.value }))}
              error={errors.throttlePerMinute}
              readOnly={readOnly}
              hint={duration ? `Sending everyone takes ${duration}.` : undefined}
            />
          </div>
        ) : null}
      </div>
    </Section>
  );
}
