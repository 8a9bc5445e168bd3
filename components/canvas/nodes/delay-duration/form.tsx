"use client";

import { DurationFields } from "../../fields/section";
import type { NodeFormProps } from "../types";

export function DurationDelayForm({ config, patch, err }: NodeFormProps<"delay.duration">) {
  return (
    <DurationFields
      label="Wait for"
      value={config.duration}
      onChange={(v) => patch({ duration: v })}
      err={err}
      path="config.duration"
    />
  );
}
