import type { ReactNode } from "react";
import type { TDuration } from "@/lib/journeys/graph";
import { SelectField, TextField } from "../../ui/field";
import type { FieldErrors } from "../nodes/types";

/** The inspector's form pieces shared by several node types. */

export function Section({ title, children, hint }: { title: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <fieldset className="space-y-3 rounded-lg bg-stone-50 p-3 ring-1 ring-stone-200">
      <legend className="sr-only">{title}</legend>
      <p className="text-xs font-semibold tracking-wide text-stone-500 uppercase">{title}</p>
      {hint ? <p className="-mt-2 text-xs text-stone-500">{hint}</p> : null}
      {children}
    </fieldset>
  );
}

export function FieldError({ message }: { message?: string }) {
  return message ? (
    <p role="alert" className="text-sm text-red-700">
      {message}
    </p>
  ) : null;
}

const UNITS = ["minutes", "hours", "days", "weeks"] as const;
type DurationDraft = Partial<TDuration>;
const isUnit = (unit: string): unit is TDuration["unit"] => UNITS.some((u) => u === unit);

export function DurationFields({
  label,
  value,
  onChange,
  err,
  path,
}: {
  label: string;
  value: DurationDraft | undefined;
  onChange: (v: DurationDraft) => void;
  err: FieldErrors;
  path: string;
}) {
  const d = value ?? {};
  return (
    <div className="grid grid-cols-2 gap-2">
      <TextField
        label={label}
        type="number"
        min={1}
        value={d.amount ?? ""}
        onChange={(e) => onChange({ ...d, amount: e.target.value === "" ? undefined : Number(e.target.value) })}
        error={err(`${path}.amount`) ?? err(path)}
      />
      <SelectField
        label="Unit"
        value={d.unit ?? "days"}
        onChange={(e) => onChange({ ...d, unit: isUnit(e.target.value) ? e.target.value : undefined })}
        error={err(`${path}.unit`)}
      >
        {UNITS.map((u) => (
          <option key={u} value={u}>
            {u}
          </option>
        ))}
      </SelectField>
    </div>
  );
}

/** A fresh id for a list item ("b3", "arm4") that no item has yet. */
export function uniqueId(prefix: string, items: { id?: string }[]): string {
  const taken = new Set(items.map((i) => String(i.id)));
  let n = items.length + 1;
  while (taken.has(`${prefix}${n}`)) n += 1;
  return `${prefix}${n}`;
}
