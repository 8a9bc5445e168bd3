"use client";

import Link from "next/link";
import { useParams } from "next/navigation";
import { useEffect, useState } from "react";
import { api } from "../../api/client";
import { SelectField } from "../../ui/field";

interface SegmentChoice {
  id: string;
  name: string;
  memberCount?: number;
  archived?: boolean;
}

/** The workspace's segments by name (from the session segments route); a stored id that is gone says so. */
export function SegmentPicker({
  value,
  onChange,
  error,
  label = "Segment",
}: {
  value: unknown;
  onChange: (id: string) => void;
  error?: string;
  label?: string;
}) {
  const { slug } = useParams<{ slug: string }>();
  const [segments, setSegments] = useState<SegmentChoice[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void api.segments.list(slug).then((result) => {
      if (cancelled) return;
      if (result.ok) setSegments((result.data?.segments ?? []).filter((s) => !s.archived));
      else
        setLoadError(
          result.error.code === "network" ? "Cannot reach Cairn to list the segments." : result.error.message,
        );
    });
    return () => {
      cancelled = true;
    };
  }, [slug]);
  const selected = typeof value === "string" ? value : "";
  const known = segments?.some((s) => s.id === selected);
  return (
    <div className="space-y-1.5">
      <SelectField
        label={label}
        value={selected}
        onChange={(e) => onChange(e.target.value)}
        error={error}
        disabled={!segments?.length}
      >
        <option value="">
          {segments === null ? "Loading segments…" : segments.length ? "Choose a segment" : "Nothing to choose yet"}
        </option>
        {selected && segments && !known ? <option value={selected}>Unknown segment ({selected})</option> : null}
        {(segments ?? []).map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
            {typeof s.memberCount === "number"
              ? ` · ${s.memberCount.toLocaleString("en-GB")} ${s.memberCount === 1 ? "person" : "people"}`
              : ""}
          </option>
        ))}
      </SelectField>
      {loadError ? <p className="text-xs text-red-700">{loadError}</p> : null}
      {segments && !segments.length ? (
        <p
          className="rounded-md bg-amber-50 px-2.5 py-2 text-xs text-amber-900 ring-1 ring-amber-200"
          data-testid="empty-picker"
        >
          No segments yet — create one in{" "}
          <Link href={`/w/${slug}/segments`} className="font-medium underline">
            Segments
          </Link>
          .
        </p>
      ) : null}
    </div>
  );
}
