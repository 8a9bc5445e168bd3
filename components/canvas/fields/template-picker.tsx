"use client";

import Link from "next/link";
import { useParams } from "next/navigation";
import { useEffect, useState } from "react";
import type { TemplateSummary } from "@/lib/messaging/templates/template-views";
import { api } from "../../api/client";
import { SelectField } from "../../ui/field";

/** The workspace's saved templates of the step's channel (from the session templates route). */
export function TemplatePicker({
  channel,
  channelName,
  value,
  onChange,
  error,
}: {
  channel: TemplateSummary["channel"];
  /** the channel in sentences: "email", "SMS", "in-app"… */
  channelName: string;
  value: unknown;
  onChange: (id: string) => void;
  error?: string;
}) {
  const { slug } = useParams<{ slug: string }>();
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void api.templates.list(slug, { channel }).then((result) => {
      if (cancelled) return;
      if (result.ok) setTemplates((result.data?.templates ?? []).filter((t) => t.currentVersion > 0));
      else
        setLoadError(
          result.error.code === "network" ? "Cannot reach Cairn to list the templates." : result.error.message,
        );
    });
    return () => {
      cancelled = true;
    };
  }, [slug, channel]);
  const selected = typeof value === "string" ? value : "";
  const known = templates?.some((t) => t.id === selected);
  return (
    <div className="space-y-1.5">
      <SelectField
        label="Template"
        value={selected}
        onChange={(e) => onChange(e.target.value)}
        error={error}
        disabled={!templates?.length}
      >
        <option value="">
          {templates === null ? "Loading templates…" : templates.length ? "Choose a template" : "Nothing to choose yet"}
        </option>
        {selected && templates && !known ? <option value={selected}>Unknown template ({selected})</option> : null}
        {(templates ?? []).map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} (v{t.currentVersion})
          </option>
        ))}
      </SelectField>
      {loadError ? <p className="text-xs text-red-700">{loadError}</p> : null}
      {templates && !templates.length ? (
        <p
          className="rounded-md bg-amber-50 px-2.5 py-2 text-xs text-amber-900 ring-1 ring-amber-200"
          data-testid="empty-picker"
        >
          No {channelName} templates yet — create one in{" "}
          <Link href={`/w/${slug}/templates?channel=${channel}`} className="font-medium underline">
            Templates
          </Link>
          .
        </p>
      ) : null}
    </div>
  );
}
