"use client";

import { Search, UserRound, X } from "lucide-react";
import { useEffect, useId, useState } from "react";
import type { ProfileSummary } from "@/lib/profiles/profiles";
import { api } from "../api/client";

export interface PickedProfile {
  id: string;
  label: string;
}

function labelOf(p: ProfileSummary): string {
  return p.email ?? p.userId ?? p.anonymousIds[0] ?? p.id;
}

/** Chooses whom the preview renders for: a profile found by id, email or trait value, or the sample profile. */
export function ProfilePicker({
  slug,
  value,
  onChange,
  fallbackLabel = "the sample profile",
  clearLabel = "Use the sample profile",
}: {
  slug: string;
  value: PickedProfile | null;
  onChange: (profile: PickedProfile | null) => void;
  /** whom the preview renders for when no profile is picked */
  fallbackLabel?: string;
  clearLabel?: string;
}) {
  const id = useId();
  const [q, setQ] = useState("");
  const [results, setResults] = useState<ProfileSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!q.trim()) return;
    let cancelled = false;
    const timer = setTimeout(async () => {
      const result = await api.templates.previewProfiles(slug, q.trim());
      if (cancelled) return;
      if (result.ok) {
        setResults(result.data.profiles);
        setError(null);
      } else setError(result.error.message);
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [slug, q]);

  const shown = q.trim() ? results : null;
  return (
    <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
      <div className="flex items-center justify-between gap-3">
        <p className="text-sm text-stone-700">
          Previewing for{" "}
          <span className="font-medium text-stone-900" data-testid="preview-profile">
            {value ? value.label : fallbackLabel}
          </span>
        </p>
        {value ? (
          <button
            type="button"
            onClick={() => onChange(null)}
            className="inline-flex items-center gap-1 text-xs font-medium text-brand-700 hover:underline"
          >
            <X className="h-3.5 w-3.5" aria-hidden="true" /> {clearLabel}
          </button>
        ) : null}
      </div>
      <label htmlFor={id} className="sr-only">
        Find a profile to preview for
      </label>
      <div className="relative mt-2">
        <Search className="pointer-events-none absolute top-2.5 left-3 h-4 w-4 text-stone-400" aria-hidden="true" />
        <input
          id={id}
          type="search"
          placeholder="Find a profile by email, user id or trait"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="block w-full rounded-md border-0 bg-white py-2 pr-3 pl-9 text-sm text-stone-900 shadow-sm ring-1 ring-stone-300 outline-none ring-inset placeholder:text-stone-400 focus:ring-2 focus:ring-brand-600"
        />
      </div>
      {error ? <p className="mt-2 text-sm text-red-700">{error}</p> : null}
      {shown ? (
        shown.length ? (
          <ul
            className="mt-2 max-h-48 divide-y divide-stone-100 overflow-auto rounded-md ring-1 ring-stone-200"
            aria-label="Matching profiles"
          >
            {shown.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="flex w-full items-center gap-2 px-3 py-2 text-left text-sm hover:bg-stone-50"
                  onClick={() => {
                    onChange({ id: p.id, label: labelOf(p) });
                    setQ("");
                    setResults(null);
                  }}
                >
                  <UserRound className="h-4 w-4 text-stone-400" aria-hidden="true" />
                  <span className="truncate text-stone-900">{labelOf(p)}</span>
                  {p.userId && p.email ? <span className="truncate text-xs text-stone-500">{p.userId}</span> : null}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-2 text-sm text-stone-500">No profile matches “{q.trim()}”.</p>
        )
      ) : null}
    </div>
  );
}
