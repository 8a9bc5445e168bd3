"use client";

import { SelectField } from "../../../ui/field";
import { PredictionPicker, TIER_CHOICES } from "../../fields/prediction-picker";
import type { NodeFormProps } from "../types";

export function PredictionTriggerForm({ config, patch, err }: NodeFormProps<"trigger.prediction">) {
  return (
    <>
      <PredictionPicker
        value={config.predictionId}
        onChange={(id) => patch({ predictionId: id })}
        error={err("config.predictionId")}
      />
      <SelectField
        label="Enters the tier"
        value={config.tier ?? "high"}
        onChange={(e) => patch({ tier: e.target.value as "low" | "medium" | "high" })}
        error={err("config.tier")}
      >
        {TIER_CHOICES.map((t) => (
          <option key={t.tier} value={t.tier}>
            {t.label}
          </option>
        ))}
      </SelectField>
      <p className="text-xs text-stone-500">
        People enter the journey when scoring moves them into this tier (not while they stay in it).
      </p>
    </>
  );
}
