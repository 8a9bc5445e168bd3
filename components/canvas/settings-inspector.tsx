"use client";

import { memo } from "react";
import type { TJourneySettings } from "@/lib/journeys/graph";
import type { JourneyProblem } from "@/lib/journeys/validate";
import { SelectField, TextField } from "../ui/field";
import {
  EventNameField,
  ExitEventWarnings,
  PropertyNameField,
  useCanvasSteps,
  useWaitWarnings,
  Warning,
} from "./event-fields";
import { Section } from "./fields/section";

/** The inspector when no step is selected: the journey's own settings (re-entry, exit events, goal, quiet hours). */
export const SettingsInspector = memo(function SettingsInspector({
  settings,
  problems,
  readOnly,
  onChange,
}: {
  settings: TJourneySettings;
  problems: JourneyProblem[];
  readOnly: boolean;
  onChange: (settings: TJourneySettings) => void;
}) {
  const err = (path: string) => problems.find((p) => p.path === path)?.message;
  const reentry = settings.reentry ?? { mode: "once" };
  const waitWarnings = useWaitWarnings(settings);
  const steps = useCanvasSteps();
  const waitName = (id: string) => steps.find((s) => s.id === id)?.label || id;
  return (
    <div className="space-y-4" data-testid="journey-settings">
      <div>
        <h2 className="text-sm font-semibold text-stone-900">Journey settings</h2>
        <p className="mt-0.5 text-xs text-stone-500">Select a step on the canvas to configure it.</p>
      </div>
      <fieldset disabled={readOnly} className="min-w-0 space-y-4">
        <legend className="sr-only">Journey settings</legend>
        <SelectField
          label="Re-entry"
          value={reentry.mode}
          onChange={(e) =>
            onChange({
              ...settings,
              reentry:
                e.target.value === "after"
                  ? { mode: "after", days: 30 }
                  : { mode: e.target.value as "once" | "always" },
            })
          }
          error={err("settings.reentry")}
        >
          <option value="once">Once per person</option>
          <option value="after">Again after some days</option>
          <option value="always">Every time the trigger happens</option>
        </SelectField>
        {reentry.mode === "after" ? (
          <TextField
            label="Days before re-entry"
            type="number"
            min={1}
            value={String(reentry.days)}
            onChange={(e) => onChange({ ...settings, reentry: { mode: "after", days: Number(e.target.value) } })}
            error={err("settings.reentry.days")}
          />
        ) : null}
        <TextField
          label="Exit events"
          value={(settings.exitEvents ?? []).join(", ")}
          hint="Doing any of these removes a person, wherever they are. Separate with commas."
          onChange={(e) =>
            onChange({
              ...settings,
              exitEvents: e.target.value
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean),
            })
          }
        />
        <ExitEventWarnings names={settings.exitEvents ?? []} />
        <Section title="Conversion goal" hint="Optional: count conversions for this journey.">
          <EventNameField
            label="Goal event"
            value={settings.goal?.eventName ?? ""}
            onChange={(v) =>
              onChange({
                ...settings,
                goal: v
                  ? { ...settings.goal, eventName: v, attributionHours: settings.goal?.attributionHours ?? 72 }
                  : undefined,
              })
            }
            error={err("settings.goal.eventName")}
          />
          {settings.goal ? (
            <SelectField
              label="After converting"
              value={settings.goal.onConversion ?? "end"}
              hint="Letting people continue also sends someone waiting for the goal event down the wait's “Arrived” path."
              onChange={(e) =>
                onChange({
                  ...settings,
                  goal: { ...settings.goal!, onConversion: e.target.value === "continue" ? "continue" : undefined },
                })
              }
              error={err("settings.goal.onConversion")}
            >
              <option value="end">The journey ends for them</option>
              <option value="continue">They continue the journey</option>
            </SelectField>
          ) : null}
          {settings.goal ? (
            <TextField
              label="Attribution window (hours)"
              type="number"
              min={1}
              value={String(settings.goal.attributionHours)}
              onChange={(e) =>
                onChange({ ...settings, goal: { ...settings.goal!, attributionHours: Number(e.target.value) } })
              }
              error={err("settings.goal.attributionHours")}
            />
          ) : null}
          {settings.goal ? (
            <PropertyNameField
              label="Revenue property"
              placeholder="e.g. total"
              eventName={settings.goal.eventName}
              value={settings.goal.revenueProperty ?? ""}
              hint="Optional: the goal event's property with the order value; experiments report revenue per person."
              onChange={(v) => onChange({ ...settings, goal: { ...settings.goal!, revenueProperty: v || undefined } })}
              error={err("settings.goal.revenueProperty")}
            />
          ) : null}
        </Section>
        {waitWarnings.map((w, i) => (
          <Warning key={i} testId="wait-warning">
            {waitName(w.nodeId ?? "")}: {w.message}
          </Warning>
        ))}
        <Section title="Quiet hours" hint="Optional: messages wait until quiet hours end, in each person's time zone.">
          <div className="grid grid-cols-2 gap-2">
            <TextField
              label="From"
              type="time"
              value={settings.quietHours?.start ?? ""}
              onChange={(e) =>
                onChange({
                  ...settings,
                  quietHours: e.target.value
                    ? { start: e.target.value, end: settings.quietHours?.end ?? "08:00" }
                    : undefined,
                })
              }
            />
            <TextField
              label="Until"
              type="time"
              value={settings.quietHours?.end ?? ""}
              disabled={!settings.quietHours}
              onChange={(e) =>
                onChange({
                  ...settings,
                  quietHours: { start: settings.quietHours?.start ?? "21:00", end: e.target.value },
                })
              }
            />
          </div>
        </Section>
        <label className="flex items-start gap-2 text-sm text-stone-800">
          <input
            type="checkbox"
            className="mt-0.5 h-4 w-4 accent-brand-700"
            checked={settings.frequencyCaps ?? true}
            onChange={(e) => onChange({ ...settings, frequencyCaps: e.target.checked })}
          />
          <span>
            Apply the workspace&apos;s frequency caps
            <span className="block text-xs text-stone-500">
              Limits how many messages a person gets across journeys.
            </span>
          </span>
        </label>
      </fieldset>
    </div>
  );
});
