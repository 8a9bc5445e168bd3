"use client";

import { fromWallTime, toWallTime } from "@/lib/engine/schedule";
import { isValidTimeZone } from "@/lib/engine/time";
import { SelectField, TextField } from "../../../ui/field";
import { DurationFields } from "../../fields/section";
import { SegmentPicker } from "../../fields/segment-picker";
import type { NodeFormProps } from "../types";
import { scheduleHint } from "./schedule-hint";

/** IANA zones the browser knows, offered while typing the schedule's time zone. */
const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

export function ScheduleTriggerForm({ config, patch, replace, err }: NodeFormProps<"trigger.schedule">) {
  const schedule = config.schedule ?? { kind: "once" };
  const timezone = String(config.timezone ?? "");
  // Times are typed as wall-clock times of the trigger's time zone (UTC until a valid one is set), which is
  // how the engine steps daily and weekly schedules; changing the zone keeps the time as typed.
  const zone = isValidTimeZone(timezone) ? timezone : "UTC";
  const setZone = (next: string) => {
    const keep = (iso: string | undefined) => (iso ? fromWallTime(toWallTime(iso, timezone), next) : iso);
    replace({
      ...config,
      timezone: next,
      schedule:
        schedule.kind === "recurring"
          ? { ...schedule, startAt: keep(schedule.startAt) }
          : { ...schedule, at: keep("at" in schedule ? schedule.at : undefined) },
    });
  };
  const when = scheduleHint(config);
  return (
    <>
      <SelectField
        label="Runs"
        value={String(schedule.kind)}
        onChange={(e) =>
          patch({
            schedule:
              e.target.value === "once"
                ? { kind: "once", at: "" }
                : { kind: "recurring", every: { amount: 1, unit: "days" }, startAt: "" },
          })
        }
      >
        <option value="once">Once</option>
        <option value="recurring">Repeatedly</option>
      </SelectField>
      {schedule.kind === "recurring" ? (
        <>
          <DurationFields
            label="Every"
            value={schedule.every}
            onChange={(v) => patch({ schedule: { ...schedule, every: v } })}
            err={err}
            path="config.schedule.every"
          />
          <TextField
            label={`Starting (${zone} time)`}
            type="datetime-local"
            value={toWallTime(schedule.startAt, timezone)}
            onChange={(e) => patch({ schedule: { ...schedule, startAt: fromWallTime(e.target.value, timezone) } })}
            error={
              err("config.schedule.startAt") &&
              (schedule.startAt ? err("config.schedule.startAt") : "Choose a date and time")
            }
            hint={when}
          />
        </>
      ) : (
        <OnceAt
          at={"at" in schedule ? schedule.at : undefined}
          onAt={(at) => patch({ schedule: { ...schedule, at } })}
          timezone={timezone}
          zone={zone}
          error={err("config.schedule.at")}
          hint={when}
        />
      )}
      <TextField
        label="Time zone"
        list="cairn-time-zones"
        value={timezone}
        onChange={(e) => setZone(e.target.value)}
        error={err("config.timezone")}
        hint="IANA name, e.g. Europe/Paris. Days and weeks keep this zone's wall-clock time across daylight saving changes."
      />
      <datalist id="cairn-time-zones">
        {TIME_ZONES.map((tz) => (
          <option key={tz} value={tz} />
        ))}
      </datalist>
      <SegmentPicker
        label="Who enters (segment)"
        value={config.segmentId}
        onChange={(id) => patch({ segmentId: id })}
        error={err("config.segmentId")}
      />
      <p className="text-xs text-stone-500">
        Everyone in the segment at each run enters, under the journey&apos;s re-entry rule. Runs missed while the
        journey is paused are not made up: on resuming, only the latest one runs.
      </p>
    </>
  );
}

function OnceAt({
  at,
  onAt,
  timezone,
  zone,
  error,
  hint,
}: {
  at: string | undefined;
  onAt: (at: string) => void;
  timezone: string;
  zone: string;
  error: string | undefined;
  hint: string | undefined;
}) {
  return (
    <TextField
      label={`At (${zone} time)`}
      type="datetime-local"
      value={toWallTime(at, timezone)}
      onChange={(e) => onAt(fromWallTime(e.target.value, timezone))}
      error={error && (at ? error : "Choose a date and time")}
      hint={hint}
    />
  );
}
