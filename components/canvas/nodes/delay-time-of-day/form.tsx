"use client";

import { TextField } from "../../../ui/field";
import type { NodeFormProps } from "../types";

export function TimeOfDayDelayForm({ config, patch, err }: NodeFormProps<"delay.time_of_day">) {
  return (
    <>
      <TextField
        label="Time (24-hour)"
        type="time"
        value={String(config.time ?? "")}
        onChange={(e) => patch({ time: e.target.value })}
        error={err("config.time")}
        hint="In each person's own time zone."
      />
      <TextField
        label="Fallback time zone"
        value={String(config.fallbackTimezone ?? "")}
        onChange={(e) => patch({ fallbackTimezone: e.target.value })}
        error={err("config.fallbackTimezone")}
        hint="For profiles without a time zone."
      />
    </>
  );
}
