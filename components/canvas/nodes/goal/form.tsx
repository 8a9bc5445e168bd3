"use client";

import { EventNameField } from "../../event-fields";
import type { NodeFormProps } from "../types";

export function GoalForm({ config, patch, err }: NodeFormProps<"goal">) {
  return (
    <EventNameField
      label="Goal event"
      placeholder="e.g. Order Completed"
      value={String(config.eventName ?? "")}
      onChange={(v) => patch({ eventName: v })}
      error={err("config.eventName")}
      hint="Doing this counts a conversion and ends the journey."
    />
  );
}
