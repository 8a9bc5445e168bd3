"use client";

import { TextField } from "../ui/field";
import { Section } from "./editor-sections";
import type { ScheduleChoice } from "./model";

/** Send now, at a date and time in the workspace's zone, or at a local time in each person's zone. */
export function ScheduleSection({
  schedule,
  onChange,
  timezone,
  errors,
  readOnly,
}: {
  schedule: ScheduleChoice;
  onChange: (schedule: ScheduleChoice) => void;
  timezone: string;
  errors: Record<string, string>;
  readOnly: boolean;
}) {
  const date = schedule.kind === "now" ? "" : schedule.date;
  const time = schedule.kind === "now" ? "09:00" : schedule.time;
  const options = [
    { kind: "now", title: "Send now", text: "As soon as you confirm." },
    { kind: "at", title: "At a date and time", text: `In the workspace's time zone, ${timezone}.` },
    {
      kind: "local",
      title: "At a local time in each person's zone",
      text: `9:00 in Berlin, then 9:00 in New York… People whose zone is unknown get ${timezone}.`,
    },
  ] as const;
  return (
    <Section title="Schedule">
      <fieldset className="space-y-2" disabled={readOnly}>
        <legend className="sr-only">When to send</legend>
        {options.map((o) => (
          <label
            key={o.kind}
            className={`flex cursor-pointer gap-3 rounded-lg p-3 ring-1 ring-inset ${schedule.kind === o.kind ? "bg-brand-50/60 ring-brand-300" : "ring-stone-200 hover:bg-stone-50"}`}
          >
            <input
              type="radio"
              name="schedule-kind"
              value={o.kind}
              checked={schedule.kind === o.kind}
              onChange={() => onChange(o.kind === "now" ? { kind: "now" } : { kind: o.kind, date, time })}
              className="mt-0.5 accent-brand-700"
            />
            <span>
              <span className="block text-sm font-medium text-stone-900">{o.title}</span>
              <span className="block text-xs text-stone-600">{o.text}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {schedule.kind === "now" ? null : (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Date"
            type="date"
            value={date}
            onChange={(e) => onChange({ ...schedule, date: e.target.value })}
            error={errors["schedule.localDate"] ?? (schedule.kind === "at" ? errors["schedule.sendAt"] : undefined)}
            readOnly={readOnly}
          />
          <TextField
            label={schedule.kind === "at" ? `Time (${timezone})` : "Local time"}
            type="time"
            value={time}
            onChange={(e) => onChange({ ...schedule, time: e.target.value })}
            error={errors["schedule.localTime"]}
            readOnly={readOnly}
          />
        </div>
      )}
      {errors.schedule ? (
        <p role="alert" className="text-sm text-red-700">
          {errors.schedule}
        </p>
      ) : null}
    </Section>
  );
}
