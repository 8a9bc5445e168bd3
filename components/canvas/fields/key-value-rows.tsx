"use client";

import { Plus, Trash2 } from "lucide-react";
import { Button } from "../../ui/button";
import { TextField } from "../../ui/field";
import type { FieldErrors } from "../nodes/types";

/** Name/value pairs edited as rows: a webhook's headers, the traits a profile update sets. */
export function KeyValueRows({
  label,
  rows,
  onChange,
  keyLabel,
  valueLabel,
  err,
  path,
}: {
  label: string;
  rows: [string, string][];
  onChange: (rows: [string, string][]) => void;
  keyLabel: string;
  valueLabel: string;
  err: FieldErrors;
  path: string;
}) {
  return (
    <div className="space-y-2">
      <p className="text-sm font-medium text-stone-800">{label}</p>
      {rows.map(([k, v], i) => (
        <div key={i} className="flex items-end gap-2">
          <div className="flex-1">
            <TextField
              label={keyLabel}
              value={k}
              onChange={(e) => onChange(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))}
            />
          </div>
          <div className="flex-1">
            <TextField
              label={valueLabel}
              value={v}
              onChange={(e) => onChange(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))}
              error={err(`${path}.${k}`)}
            />
          </div>
          <Button
            variant="ghost"
            className="px-2"
            aria-label={`Remove ${k || "row"}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            <Trash2 className="h-4 w-4" aria-hidden="true" />
          </Button>
        </div>
      ))}
      <Button variant="secondary" className="w-full py-1.5 text-xs" onClick={() => onChange([...rows, ["", ""]])}>
        <Plus className="h-3.5 w-3.5" aria-hidden="true" />
        Add
      </Button>
    </div>
  );
}

/** Keeps rows being typed (an empty key) while the config holds only complete pairs. */
export const toRows = (record: Record<string, unknown> | undefined): [string, string][] =>
  Object.entries(record ?? {}).map(([k, v]) => [k, String(v ?? "")]);
export const fromRows = (rows: [string, string][]) => Object.fromEntries(rows.map(([k, v]) => [k, v]));
