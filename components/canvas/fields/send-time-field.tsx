"use client";

import { SelectField } from "../../ui/field";
import type { FieldErrors } from "../nodes/types";

/**
 * When a message step sends (#21): at once, or at the person's best time within the next 24 hours or 7 days
 * (lib/send-time). One select whose value is "now", "24h" or "7d"; the config keeps `{ mode: "now" }` or
 * `{ mode: "best", within }`.
 */
export interface SendTimeDraft {
  mode?: "now" | "best";
  within?: "24h" | "7d";
}

export function SendTimeField({
  value,
  onChange,
  err,
}: {
  value: SendTimeDraft | undefined;
  onChange: (value: SendTimeDraft | undefined) => void;
  err: FieldErrors;
}) {
  const selected = value?.mode === "best" ? (value.within ?? "24h") : "now";
  return (
    <SelectField
      label="Send time"
      value={selected}
      onChange={(e) =>
        onChange(
          e.target.value === "now" ? undefined : { mode: "best", within: e.target.value === "7d" ? "7d" : "24h" },
        )
      }
      error={err("config.sendTime.within") ?? err("config.sendTime.mode") ?? err("config.sendTime")}
      hint="The best time is the hour this person usually engages (the workspace's pattern when they have little history); quiet hours and frequency caps still apply."
      data-testid="step-send-time"
    >
      <option value="now">Right away</option>
      <option value="24h">At their best time within 24 hours</option>
      <option value="7d">At their best time within 7 days</option>
    </SelectField>
  );
}

export const WITHIN_WORDS: Record<string, string> = { "24h": "24 hours", "7d": "7 days" };
