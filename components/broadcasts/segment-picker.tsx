"use client";

import { X } from "lucide-react";
import Link from "next/link";
import { useId } from "react";
import { formatCount } from "../events/format";

export interface SegmentOption {
  id: string;
  name: string;
  memberCount: number;
}

/**
 * Segments chosen as chips, each with its size and a link to it, and a select to add another. `taken` are the
 * ids the other list holds (a segment is included or excluded, not both). Errors by index show under their chip.
 */
export function SegmentPicker({
  slug,
  label,
  hint,
  value,
  taken,
  segments,
  errors,
  readOnly,
  onChange,
}: {
  slug: string;
  label: string;
  hint: string;
  value: string[];
  taken: string[];
  segments: SegmentOption[];
  /** the API's messages for this list ("" for the list itself, "0", "1", … for a chip) */
  errors: Record<string, string>;
  readOnly: boolean;
  onChange: (ids: string[]) => void;
}) {
  const id = useId();
  const byId = new Map(segments.map((s) => [s.id, s]));
  const addable = segments.filter((s) => !value.includes(s.id) && !taken.includes(s.id));
  const listError = errors[""];
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-stone-800">
        {label}
      </label>
      {value.length ? (
        <ul className="flex flex-wrap gap-2" aria-label={label}>
          {value.map((segmentId, i) => {
            const s = byId.get(segmentId);
            return (
              <li key={segmentId} className="flex flex-col">
                <span
                  className={`inline-flex items-center gap-2 rounded-full py-1 pr-1.5 pl-3 text-sm ring-1 ring-inset ${errors[String(i)] ? "bg-red-50 ring-red-300" : "bg-stone-50 ring-stone-200"}`}
                >
                  {s ? (
                    <Link href={`/w/${slug}/segments/${s.id}`} className="font-medium text-stone-900 hover:underline">
                      {s.name}
                    </Link>
                  ) : (
                    <span className="text-stone-500 italic">An archived or deleted segment</span>
                  )}
                  {s ? <span className="text-xs text-stone-500 tabular-nums">{formatCount(s.memberCount)}</span> : null}
                  {readOnly ? null : (
                    <button
                      type="button"
                      onClick={() => onChange(value.filter((v) => v !== segmentId))}
                      className="rounded-full p-0.5 text-stone-400 hover:bg-stone-200 hover:text-stone-700"
                      aria-label={`Remove ${s?.name ?? "segment"}`}
                    >
                      <X className="h-3.5 w-3.5" aria-hidden="true" />
                    </button>
                  )}
                </span>
                {errors[String(i)] ? (
                  <span role="alert" className="mt-0.5 text-xs text-red-700">
                    {errors[String(i)]}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {readOnly ? (
        value.length ? null : (
          <p className="text-sm text-stone-500">None</p>
        )
      ) : (
        <select
          id={id}
          value=""
          onChange={(e) => e.target.value && onChange([...value, e.target.value])}
          aria-invalid={!!listError}
          className={`block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-stone-900 shadow-sm ring-1 ring-inset outline-none focus:ring-2 focus:ring-brand-600 ${listError ? "ring-red-400" : "ring-stone-300"}`}
        >
          <option value="">{addable.length ? "Add a segment…" : "No other segment to add"}</option>
          {addable.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({formatCount(s.memberCount)})
            </option>
          ))}
        </select>
      )}
      {listError ? (
        <p role="alert" className="text-sm text-red-700">
          {listError}
        </p>
      ) : (
        <p className="text-xs text-stone-500">{hint}</p>
      )}
    </div>
  );
}
