"use client";

import { CheckCircle2, ShieldAlert, Sparkles } from "lucide-react";
import { useEffect, useState } from "react";
import type { ApprovalState } from "@/lib/approvals/approve-template";
import { Button } from "../ui/button";
import { FormAlert } from "../ui/field";
import { aiApi } from "./api";

/**
 * The editor's approval banner (#20): when the newest version waits for approval it says so, by whom it may be
 * approved, what it changes against the live version (field by field), and offers Approve to those who may.
 * Nothing shows while the newest version is live.
 */
export function ApprovalPanel({
  slug,
  templateId,
  refreshKey,
  onApproved,
}: {
  slug: string;
  templateId: string;
  /** changes after each save, so the banner reloads */
  refreshKey: number;
  onApproved?: (state: ApprovalState) => void;
}) {
  const [state, setState] = useState<ApprovalState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    let cancelled = false;
    void aiApi.approval(slug, templateId).then((result) => {
      if (cancelled) return;
      if (result.ok) setState(result.data);
      else setError(result.error.message);
    });
    return () => {
      cancelled = true;
    };
  }, [slug, templateId, refreshKey]);

  async function approve() {
    if (!state?.version) return;
    setPending(true);
    setError(null);
    const result = await aiApi.approve(slug, templateId, { version: state.version });
    setPending(false);
    if (!result.ok) return setError(result.error.message);
    setState(result.data);
    setNotice(`v${result.data.version} approved: it is live for new sends and publishes.`);
    onApproved?.(result.data);
  }

  if (notice)
    return (
      <p role="status" className="flex items-center gap-1.5 text-sm text-brand-800" data-testid="approval-status">
        <CheckCircle2 className="h-4 w-4" aria-hidden="true" /> {notice}
      </p>
    );
  if (!state?.awaitingApproval) return error ? <FormAlert message={error} /> : null;
  return (
    <section
      aria-label="Approval"
      className="space-y-3 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-amber-200 ring-inset"
      data-testid="approval-panel"
    >
      <p className="flex flex-wrap items-center gap-1.5 font-medium">
        <ShieldAlert className="h-4 w-4" aria-hidden="true" />v{state.version} awaits approval by{" "}
        {state.approverRoleLabel.toLowerCase()} or higher
        {state.aiDrafted ? (
          <span className="inline-flex items-center gap-1 rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-800">
            <Sparkles className="h-3 w-3" aria-hidden="true" /> AI-drafted
          </span>
        ) : null}
      </p>
      <p>
        {state.liveVersion
          ? `Sends and publishes use v${state.liveVersion} until it is approved.`
          : "Nothing of this template can be sent until it is approved."}
      </p>
      {state.changes.length ? (
        <div>
          <p className="font-medium">What changes{state.liveVersion ? ` against v${state.liveVersion}` : ""}:</p>
          <dl className="mt-1 space-y-2" data-testid="approval-changes">
            {state.changes.map((c) => (
              <div key={c.field} className="rounded bg-white/70 px-2 py-1.5 ring-1 ring-amber-100">
                <dt className="font-mono text-xs text-amber-900">{c.field}</dt>
                <dd className="mt-0.5 space-y-0.5 text-xs">
                  {c.before !== null ? (
                    <p className="break-words text-red-800 line-through decoration-red-300">{c.before.slice(0, 300)}</p>
                  ) : null}
                  {c.after !== null ? <p className="break-words text-green-900">{c.after.slice(0, 300)}</p> : null}
                </dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
      <FormAlert message={error} />
      {state.canApprove ? (
        <Button onClick={() => void approve()} disabled={pending}>
          <CheckCircle2 className="h-4 w-4" aria-hidden="true" />
          {pending ? "Approving…" : `Approve v${state.version}`}
        </Button>
      ) : (
        <p className="text-xs text-amber-800">
          Only {state.approverRoleLabel.toLowerCase()}s or higher can approve it (Settings → AI sets who).
        </p>
      )}
    </section>
  );
}
