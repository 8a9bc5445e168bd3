"use client";

import { CircleAlert, CircleCheck, Loader2, RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { RecomputeState } from "@/lib/segments/segment-views";
import { api } from "../api/client";
import { formatCount } from "../events/format";
import { Button } from "../ui/button";
import { plural } from "../ui/format";
import { LocalTime } from "../ui/local-time";

const POLL_MS = 1000;
const busy = (s: RecomputeState) => s.status === "queued" || s.status === "running";

/**
 * A full recompute of a dynamic segment (after its definition changed, or on request), with its progress in
 * profiles while it runs; the page refreshes when it is done.
 */
export function RecomputeButton({
  slug,
  segmentId,
  initial,
  canEdit,
}: {
  slug: string;
  segmentId: string;
  initial: RecomputeState;
  canEdit: boolean;
}) {
  const router = useRouter();
  const [state, setState] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [startedHere, setStartedHere] = useState(false);
  const running = busy(state);

  useEffect(() => {
    if (!running) return;
    let cancelled = false;
    const timer = setInterval(async () => {
      const result = await api.segments.get(slug, segmentId);
      if (cancelled || !result.ok) return;
      setState(result.data.recompute);
      if (!busy(result.data.recompute)) router.refresh();
    }, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [running, slug, segmentId, router]);

  async function start() {
    setError(null);
    setStartedHere(true);
    const result = await api.segments.recompute(slug, segmentId);
    if (!result.ok) return setError(result.error.message);
    setState(result.data.recompute);
    if (!busy(result.data.recompute)) router.refresh();
  }

  const percent = state.total ? Math.min(100, Math.round((100 * state.processed) / state.total)) : 0;
  return (
    <div className="flex flex-col items-end gap-1.5" data-testid="recompute" data-status={state.status}>
      {canEdit ? (
        <Button
          variant="secondary"
          onClick={() => void start()}
          disabled={running}
          title="Evaluate the definition again for everyone"
        >
          {running ? (
            <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" />
          ) : (
            <RefreshCw className="h-4 w-4" aria-hidden="true" />
          )}
          {running ? "Recomputing…" : "Recompute"}
        </Button>
      ) : null}
      <div className="text-right text-xs text-stone-500" aria-live="polite">
        {running ? (
          <div className="w-56">
            <div
              className="h-1.5 overflow-hidden rounded-full bg-stone-200"
              role="progressbar"
              aria-label="Recompute progress"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
            >
              <div
                className="h-full rounded-full bg-brand-600 transition-[width]"
                style={{ width: `${state.status === "queued" ? 2 : Math.max(2, percent)}%` }}
              />
            </div>
            <p className="mt-1">
              {state.status === "queued"
                ? "Waiting to start…"
                : `${formatCount(state.processed)} of ${plural(state.total, "profile")} (${percent}%)`}
            </p>
          </div>
        ) : state.status === "failed" ? (
          <p className="flex items-center gap-1 text-red-700">
            <CircleAlert className="h-3.5 w-3.5" aria-hidden="true" /> Recompute failed
            {state.error ? `: ${state.error}` : ""}
          </p>
        ) : state.status === "done" && state.finishedAt ? (
          <p className="flex items-center gap-1">
            <CircleCheck
              className={`h-3.5 w-3.5 ${startedHere ? "text-brand-700" : "text-stone-400"}`}
              aria-hidden="true"
            />{" "}
            Computed for {plural(state.total, "profile")} · <LocalTime iso={state.finishedAt} />
          </p>
        ) : null}
        {error ? <p className="text-red-700">{error}</p> : null}
      </div>
    </div>
  );
}
