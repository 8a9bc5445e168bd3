"use client";

import { Plus, Trash2 } from "lucide-react";
import { Button } from "../../../ui/button";
import { TextField } from "../../../ui/field";
import { newRule, RuleGroupEditor } from "../../fields/rules";
import { FieldError, Section, uniqueId } from "../../fields/section";
import type { NodeFormProps } from "../types";

export function BranchForm({ config, patch, err }: NodeFormProps<"branch">) {
  const branches = config.branches ?? [];
  const setBranch = (i: number, changes: Partial<(typeof branches)[number]>) =>
    patch({ branches: branches.map((b, j) => (j === i ? { ...b, ...changes } : b)) });
  return (
    <>
      <FieldError message={err("config.branches")} />
      {branches.map((b, i) => (
        <Section key={String(b.id)} title={`Path ${i + 1}`}>
          <TextField
            label="Label"
            value={String(b.label ?? "")}
            onChange={(e) => setBranch(i, { label: e.target.value })}
            error={err(`config.branches.${i}.label`)}
          />
          <RuleGroupEditor
            value={b.rules}
            onChange={(v) => setBranch(i, { rules: v })}
            err={err}
            path={`config.branches.${i}.rules`}
          />
          {branches.length > 1 ? (
            <Button
              variant="ghost"
              className="px-2 py-1 text-xs"
              onClick={() => patch({ branches: branches.filter((_, j) => j !== i) })}
            >
              <Trash2 className="h-3.5 w-3.5" aria-hidden="true" />
              Remove path
            </Button>
          ) : null}
        </Section>
      ))}
      <Button
        variant="secondary"
        className="w-full py-1.5 text-xs"
        onClick={() =>
          patch({
            branches: [
              ...branches,
              {
                id: uniqueId("b", branches),
                label: `Path ${branches.length + 1}`,
                rules: { match: "all", rules: [newRule("trait")] },
              },
            ],
          })
        }
      >
        <Plus className="h-3.5 w-3.5" aria-hidden="true" />
        Add path
      </Button>
      <p className="text-xs text-stone-500">Everyone else leaves through “Else”.</p>
    </>
  );
}
