"use client";

import { AlertTriangle, Loader2, Rocket, Workflow } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { JourneyDiff } from "@/lib/journeys/diff";
import type { JourneyProblem } from "@/lib/journeys/validate";
import type { TemplateUsage as Usage } from "@/lib/messaging/template-usage";
import { api } from "../api/client";
import { StepChanges } from "../canvas/step-changes";
import { Button } from "../ui/button";
import { Badge } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { FormAlert } from "../ui/field";

/**
 * Where this template is used: the journeys whose steps send it, which template version each published journey
 * version sends (a journey keeps the version it was published with), and, for a live journey on an older
 * version, "Update to vN": the diff of publishing its live graph again first, then a normal publish.
 */
export function TemplateUsagePanel({
  slug,
  templateId,
  currentVersion,
  canEdit,
}: {
  slug: string;
  templateId: string;
  currentVersion: number;
  canEdit: boolean;
}) {
  const [usage, setUsage] = useState<Usage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updating, setUpdating] = useState<{ id: string; name: string; stepNames: Record<string, string> } | null>(
    null,
  );

  // bumped after an update, so the list is read again
  const [reloads, setReloads] = useState(0);

  // read again after each save too: a new version makes live journeys outdated
  useEffect(() => {
    let cancelled = false;
    void api.templates.usage(slug, templateId).then((result) => {
      if (cancelled) return;
      if (result.ok) {
        setUsage(result.data);
        setError(null);
      } else setError(result.error.message);
    });
    return () => {
      cancelled = true;
    };
  }, [slug, templateId, currentVersion, reloads]);

  const outdated = usage?.journeys.filter((j) => j.live?.outdated) ?? [];
  return (
    <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="template-usage">
      <h2 className="flex items-center gap-1.5 text-sm font-semibold text-stone-900">
        <Workflow className="h-4 w-4 text-stone-400" aria-hidden="true" /> Where it is used
      </h2>
      <FormAlert message={error} />
      {usage === null && !error ? <p className="mt-2 text-sm text-stone-500">Loading…</p> : null}
      {usage && !usage.journeys.length ? (
        <p className="mt-2 text-sm text-stone-500">No journey sends this template yet.</p>
      ) : null}
      {outdated.length ? (
        <p
          className="mt-2 flex items-start gap-1.5 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset"
          role="status"
        >
          <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
          {outdated.length === 1 ? "1 live journey sends" : `${outdated.length} live journeys send`} an older version of
          this template: saving changes no live journey until it is published again.
        </p>
      ) : null}
      {usage?.journeys.length ? (
        <ul className="mt-2 divide-y divide-stone-100 text-sm">
          {usage.journeys.map((j) => (
            <li key={j.id} className="py-2" data-testid="usage-journey">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <div className="flex items-center gap-2">
                  <Link href={`/w/${slug}/journeys/${j.id}`} className="font-medium text-stone-900 hover:underline">
                    {j.name}
                  </Link>
                  <Badge tone={j.status === "LIVE" ? "brand" : "stone"}>{j.status.toLowerCase()}</Badge>
                  {j.live?.outdated ? <Badge tone="amber">sends v{j.live.templateVersion ?? 0}</Badge> : null}
                </div>
                {canEdit && j.live?.outdated ? (
                  <Button
                    variant="secondary"
                    className="px-2.5 py-1 text-xs"
                    onClick={() =>
                      setUpdating({
                        id: j.id,
                        name: j.name,
                        stepNames: Object.fromEntries((j.live?.steps ?? []).map((s) => [s.id, s.label || s.id])),
                      })
                    }
                  >
                    Update to v{usage.templateVersion}
                  </Button>
                ) : null}
              </div>
              {j.live ? (
                <p className="mt-0.5 text-xs text-stone-600">
                  Live v{j.live.version} sends template v{j.live.templateVersion ?? "—"} in{" "}
                  {j.live.steps.map((s) => s.label || s.id).join(", ")}
                  {j.live.outdated ? ` (the newest is v${usage.templateVersion})` : ""}.
                </p>
              ) : null}
              {j.versions.length > (j.live ? 1 : 0) ? (
                <p className="mt-0.5 text-xs text-stone-500">
                  {j.versions
                    .filter((v) => v.version !== j.live?.version)
                    .map(
                      (v) =>
                        `v${v.version} sends template v${v.templateVersion ?? "—"}${v.peopleInIt ? ` (${v.peopleInIt} ${v.peopleInIt === 1 ? "person" : "people"} still in it)` : ""}`,
                    )
                    .join("; ")}
                </p>
              ) : null}
              {j.inDraft && !j.live ? (
                <p className="mt-0.5 text-xs text-stone-500">
                  In the draft: it will send the newest version when published.
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {updating ? (
        <UpdateDialog
          slug={slug}
          templateId={templateId}
          journey={updating}
          onClose={() => setUpdating(null)}
          onDone={() => {
            setUpdating(null);
            setReloads((n) => n + 1);
          }}
        />
      ) : null}
    </div>
  );
}

function UpdateDialog({
  slug,
  templateId,
  journey,
  onClose,
  onDone,
}: {
  slug: string;
  templateId: string;
  journey: { id: string; name: string; stepNames: Record<string, string> };
  onClose: () => void;
  onDone: () => void;
}) {
  const [preview, setPreview] = useState<{ diff: JourneyDiff; problems: JourneyProblem[]; nextVersion: number } | null>(
    null,
  );
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    void api.templates
      .previewJourneyUpdate(slug, templateId, journey.id)
      .then((r) => (r.ok ? setPreview(r.data) : setError(r.error.message)));
  }, [slug, templateId, journey.id]);

  async function publish() {
    setPending(true);
    const result = await api.templates.updateJourney(slug, templateId, journey.id);
    setPending(false);
    if (result.ok) onDone();
    else setError(result.error.message);
  }

  const d = preview?.diff;
  return (
    <Dialog
      title={`Update “${journey.name}”`}
      description={
        preview
          ? `Publishes v${preview.nextVersion}: the live version, sending the templates’ newest versions.`
          : undefined
      }
      onClose={onClose}
    >
      <div className="space-y-3 text-sm" data-testid="update-diff">
        <FormAlert message={error} />
        {!preview && !error ? (
          <p className="flex items-center gap-2 text-stone-500">
            <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" /> Comparing with the live version…
          </p>
        ) : null}
        {d ? (
          <StepChanges
            steps={d.changedNodes.map((id) => ({
              name: journey.stepNames[id] ?? id,
              changes: d.nodeChanges[id] ?? [],
            }))}
          />
        ) : null}
        {preview?.problems.length ? (
          <p className="text-red-700">
            The journey cannot be published as it is: open it on the canvas to fix{" "}
            {preview.problems.length === 1 ? "1 problem" : `${preview.problems.length} problems`}.
          </p>
        ) : null}
        {preview ? (
          <p className="text-stone-600">
            People already in the journey finish the version they started; the draft is left as it is.
          </p>
        ) : null}
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void publish()} disabled={!preview || preview.problems.length > 0 || pending}>
            <Rocket className="h-4 w-4" aria-hidden="true" />
            {pending ? "Publishing…" : preview ? `Publish v${preview.nextVersion}` : "Publish"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
