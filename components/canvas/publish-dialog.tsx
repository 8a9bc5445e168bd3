"use client";

import { Loader2, Rocket, X } from "lucide-react";
import { useEffect, useState } from "react";
import type { JourneyDiff } from "@/lib/journeys/diff";
import type { JourneyDetail } from "@/lib/journeys/journey-views";
import type { JourneyProblem } from "@/lib/journeys/validate";
import { Button } from "../ui/button";
import { FormAlert } from "../ui/field";
import { api } from "../api/client";
import type { JourneyFlowNode } from "./journey-nodes";
import { describeProblem } from "./node-text";
import { NODE_MODULES } from "./nodes";
import { StepChanges } from "./step-changes";

interface Preview {
  diff: JourneyDiff;
  problems: JourneyProblem[];
  nextVersion: number;
}

/** Saves the draft, shows what publishing changes against the live version, and publishes. */
export function PublishDialog({
  slug,
  journeyId,
  nodeById,
  flush,
  onClose,
  onPublished,
}: {
  slug: string;
  journeyId: string;
  nodeById: Map<string, JourneyFlowNode>;
  flush: () => Promise<boolean>;
  onClose: () => void;
  onPublished: (detail: JourneyDetail) => void;
}) {
  const [preview, setPreview] = useState<Preview | null>(null);
  // Warnings (unknown event names, waits that cannot take "arrived"): shown, never blocking.
  const [warnings, setWarnings] = useState<JourneyProblem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      if (!(await flush())) {
        if (!cancelled) setError("The draft could not be saved, so it cannot be published yet.");
        return;
      }
      const [result, checks] = await Promise.all([
        api.journeys.previewPublish(slug, journeyId),
        api.journeys.checks(slug, journeyId),
      ]);
      if (cancelled) return;
      if (result.ok) setPreview(result.data);
      else setError(result.error.message);
      // The checks are advice: when they cannot be read, publishing goes on without them.
      if (checks.ok) setWarnings(checks.data.warnings);
    })();
    return () => {
      cancelled = true;
    };
    // Loads once when the dialog opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  async function publish() {
    setPending(true);
    setError(null);
    const result = await api.journeys.publish(slug, journeyId);
    setPending(false);
    if (result.ok) onPublished(result.data);
    else setError(result.error.message);
  }

  const nameOf = (id: string) => {
    const node = nodeById.get(id);
    return node ? `${node.data.label || NODE_MODULES[node.data.type].title}` : id;
  };
  const edgeText = (key: string) => {
    const m = key.match(/^(.*) -(.*)-> (.*)$/);
    if (!m) return key;
    return `${nameOf(m[1])} → ${nameOf(m[3])}${m[2] !== "next" ? ` (${m[2].replace("_", " ")})` : ""}`;
  };
  const d = preview?.diff;
  const nothing =
    d &&
    !d.addedNodes.length &&
    !d.removedNodes.length &&
    !d.changedNodes.length &&
    !d.addedEdges.length &&
    !d.removedEdges.length &&
    !(d.settingsChanged && preview.nextVersion > 1);

  return (
    <div
      className="fixed inset-0 z-50 flex items-center justify-center bg-stone-900/40 p-4"
      role="presentation"
      onClick={onClose}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="publish-title"
        className="w-full max-w-lg rounded-xl bg-white shadow-xl ring-1 ring-stone-200"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="flex items-start justify-between border-b border-stone-100 px-6 py-4">
          <div>
            <h2 id="publish-title" className="text-base font-semibold text-stone-900">
              {preview ? `Publish v${preview.nextVersion}` : "Publish"}
            </h2>
            <p className="mt-0.5 text-sm text-stone-500">
              {preview?.nextVersion === 1
                ? "The first version: everything is new."
                : "Changes compared with the live version."}
            </p>
          </div>
          <button
            type="button"
            onClick={onClose}
            className="rounded p-1 text-stone-400 hover:bg-stone-100 hover:text-stone-700"
            aria-label="Close"
          >
            <X className="h-4 w-4" aria-hidden="true" />
          </button>
        </div>
        <div className="max-h-[60vh] space-y-4 overflow-y-auto px-6 py-5 text-sm" data-testid="publish-diff">
          <FormAlert message={error} />
          {!preview && !error ? (
            <p className="flex items-center gap-2 text-stone-500">
              <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" /> Saving the draft and comparing…
            </p>
          ) : null}
          {d ? (
            <>
              {nothing ? <p className="text-stone-600">Nothing changed since the live version.</p> : null}
              <DiffList title="Added steps" tone="text-brand-800" items={d.addedNodes.map(nameOf)} />
              <StepChanges
                steps={d.changedNodes.map((id) => ({ name: nameOf(id), changes: d.nodeChanges?.[id] ?? [] }))}
              />
              <DiffList title="Removed steps" tone="text-red-700" items={d.removedNodes.map(nameOf)} />
              <DiffList title="New connections" tone="text-brand-800" items={d.addedEdges.map(edgeText)} />
              <DiffList title="Removed connections" tone="text-red-700" items={d.removedEdges.map(edgeText)} />
              {d.settingsChanged && preview && preview.nextVersion > 1 ? (
                <p className="font-medium text-amber-800">Journey settings changed.</p>
              ) : null}
            </>
          ) : null}
          {preview?.problems.length ? (
            <div className="rounded-md bg-red-50 px-3 py-2.5 ring-1 ring-red-200">
              <p className="font-semibold text-red-800">Fix these before publishing:</p>
              <ul className="mt-1 list-disc space-y-0.5 pl-5 text-red-800">
                {preview.problems.map((p, i) => (
                  <li key={i}>
                    {p.nodeId ? `${nameOf(p.nodeId)}: ` : ""}
                    {describeProblem(p, p.nodeId ? nodeById.get(p.nodeId) : undefined)}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {preview && warnings.length ? (
            <div className="rounded-md bg-amber-50 px-3 py-2.5 ring-1 ring-amber-200" data-testid="publish-warnings">
              <p className="font-semibold text-amber-900">Check before publishing (you can still publish):</p>
              <ul className="mt-1 list-disc space-y-0.5 pl-5 text-amber-900">
                {warnings.map((w, i) => (
                  <li key={i}>
                    {w.nodeId ? `${nameOf(w.nodeId)}: ` : w.path.startsWith("settings") ? "Journey settings: " : ""}
                    {w.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {preview && !preview.problems.length ? (
            <p className="text-stone-600">
              New entries follow v{preview.nextVersion}; people already in the journey finish the version they started.
            </p>
          ) : null}
        </div>
        <div className="flex justify-end gap-2 border-t border-stone-100 px-6 py-4">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void publish()} disabled={!preview || preview.problems.length > 0 || pending}>
            <Rocket className="h-4 w-4" aria-hidden="true" />
            {pending ? "Publishing…" : preview ? `Publish v${preview.nextVersion}` : "Publish"}
          </Button>
        </div>
      </div>
    </div>
  );
}

function DiffList({ title, items, tone }: { title: string; items: string[]; tone: string }) {
  if (!items.length) return null;
  return (
    <div>
      <p className={`text-xs font-semibold tracking-wide uppercase ${tone}`}>
        {title} ({items.length})
      </p>
      <ul className="mt-1 space-y-0.5 text-stone-800">
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
    </div>
  );
}
