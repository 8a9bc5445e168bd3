"use client";

import { SelectField, TextField } from "../../../ui/field";
import { DurationFields } from "../../fields/section";
import type { NodeFormProps } from "../types";

export function DateTraitDelayForm({ config, patch, err }: NodeFormProps<"delay.until_date_trait">) {
  const offset = config.offset;
  return (
    <>
      <TextField
        label="Date trait"
        placeholder="e.g. renewalDate"
        value={String(config.trait ?? "")}
        onChange={(e) => patch({ trait: e.target.value })}
        error={err("config.trait")}
      />
      <SelectField
        label="Offset"
        value={offset ? String(offset.direction) : "none"}
        onChange={(e) => {
          const direction = e.target.value;
          patch({
            offset:
              direction === "before" || direction === "after"
                ? { duration: offset?.duration ?? { amount: 1, unit: "days" }, direction }
                : undefined,
          });
        }}
      >
        <option value="none">On the date</option>
        <option value="before">Before the date</option>
        <option value="after">After the date</option>
      </SelectField>
      {offset ? (
        <DurationFields
          label="By"
          value={offset.duration}
          onChange={(v) => patch({ offset: { ...offset, duration: v } })}
          err={err}
          path="config.offset.duration"
        />
      ) : null}
    </>
  );
}
