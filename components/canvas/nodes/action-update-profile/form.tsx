"use client";

import { TextField } from "../../../ui/field";
import { fromRows, KeyValueRows, toRows } from "../../fields/key-value-rows";
import type { NodeFormProps } from "../types";

export function UpdateProfileForm({ config, patch, err }: NodeFormProps<"action.update_profile">) {
  const unset = config.unset ?? [];
  return (
    <>
      <KeyValueRows
        label="Set traits"
        keyLabel="Trait"
        valueLabel="Value"
        rows={toRows(config.set)}
        onChange={(rows) => patch({ set: fromRows(rows) })}
        err={err}
        path="config.set"
      />
      <TextField
        label="Remove traits"
        value={unset.join(", ")}
        hint="Trait names, separated by commas."
        onChange={(e) =>
          patch({
            unset: e.target.value
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean),
          })
        }
        error={err("config.unset")}
      />
    </>
  );
}
