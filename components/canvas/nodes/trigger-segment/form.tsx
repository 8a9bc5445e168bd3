"use client";

import { SegmentPicker } from "../../fields/segment-picker";
import type { NodeFormProps } from "../types";

export function SegmentTriggerForm({ config, patch, err }: NodeFormProps<"trigger.segment">) {
  return (
    <>
      <SegmentPicker
        value={config.segmentId}
        onChange={(id) => patch({ segmentId: id })}
        error={err("config.segmentId")}
      />
      <p className="text-xs text-stone-500">People enter the journey when they enter the segment.</p>
    </>
  );
}
