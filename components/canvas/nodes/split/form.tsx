"use client";

import { Plus, Trash2 } from "lucide-react";
import { Button } from "../../../ui/button";
import { TextField } from "../../../ui/field";
import { FieldError, uniqueId } from "../../fields/section";
import type { NodeFormProps } from "../types";

export function SplitForm({ config, patch, err }: NodeFormProps<"split">) {
  const arms = config.arms ?? [];
  const holdout = config.holdout;
  const total = arms.reduce((s, a) => s + (Number(a.weight) || 0), 0) + (holdout?.weight ?? 0);
  const setArm = (i: number, changes: Partial<(typeof arms)[number]>) =>
    patch({ arms: arms.map((a, j) => (j === i ? { ...a, ...changes } : a)) });
  return (
    <>
      <FieldError message={err("config.arms")} />
      {arms.map((a, i) => (
        <div key={String(a.id)} className="flex items-end gap-2">
          <div className="flex-1">
            <TextField
              label={`Arm ${i + 1}`}
              value={String(a.label ?? "")}
              onChange={(e) => setArm(i, { label: e.target.value })}
              error={err(`config.arms.${i}.label`)}
            />
          </div>
          <div className="w-24">
            <TextField
              label="Weight %"
              type="number"
              value={String(a.weight ?? "")}
              onChange={(e) => setArm(i, { weight: Number(e.target.value) })}
              error={err(`config.arms.${i}.weight`)}
            />
          </div>
          {arms.length > 2 ? (
            <Button
              variant="ghost"
              className="px-2"
              aria-label={`Remove arm ${i + 1}`}
              onClick={() => patch({ arms: arms.filter((_, j) => j !== i) })}
            >
              <Trash2 className="h-4 w-4" aria-hidden="true" />
            </Button>
          ) : null}
        </div>
      ))}
      <Button
        variant="secondary"
        className="w-full py-1.5 text-xs"
        onClick={() =>
          patch({
            arms: [...arms, { id: uniqueId("arm", arms), label: String.fromCharCode(65 + arms.length), weight: 0 }],
          })
        }
      >
        <Plus className="h-3.5 w-3.5" aria-hidden="true" />
        Add arm
      </Button>
      <TextField
        label="Holdout %"
        type="number"
        value={holdout?.weight === undefined ? "" : String(holdout.weight)}
        hint="Optional: held-out people follow the first arm's path but get nothing on it (no message, call or profile change), for measuring lift."
        onChange={(e) => patch({ holdout: e.target.value === "" ? undefined : { weight: Number(e.target.value) } })}
        error={err("config.holdout.weight")}
      />
      <p className={`text-xs ${Math.abs(total - 100) < 1e-9 ? "text-stone-500" : "font-medium text-red-700"}`}>
        Total: {total}% (must be 100%)
      </p>
    </>
  );
}
