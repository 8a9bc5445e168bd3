"use client";

import { SelectField } from "../../../ui/field";
import type { NodeFormProps } from "../types";

export function BestTimeDelayForm({ config, patch, err }: NodeFormProps<"delay.best_time">) {
  return (
    <SelectField
      label="Wait until their best time within"
      value={config.within ?? "24h"}
      onChange={(e) => patch({ within: e.target.value === "7d" ? "7d" : "24h" })}
      error={err("config.within")}
      hint="The hour this person usually engages, in their time zone (the workspace's pattern when they have little history)."
    >
      <option value="24h">the next 24 hours</option>
      <option value="7d">the next 7 days</option>
    </SelectField>
  );
}
