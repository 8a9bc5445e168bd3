"use client";

import { Send, ShieldAlert } from "lucide-react";
import { useEffect, useState } from "react";
import type { AudienceEstimate, BroadcastDetail } from "@/lib/broadcasts/broadcast-views";
import type { EstimateBroadcast } from "@/lib/broadcasts/schemas";
import { api } from "../api/client";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { FormAlert } from "../ui/field";
import { plural } from "../ui/format";
import { EstimateBreakdown } from "./audience-estimate";
import { changedAudience, confirmationSentence, scheduleBody, type ScheduleChoice } from "./model";

export interface SendPolicy {
  /** whether this member's role may send (the workspace's broadcastSendRole) */
  maySend: boolean;
  /** why not, naming the role that may */
  reason: string | null;
}

/**
 * The review beside the editor: who the broadcast reaches (refreshed 400 ms after the audience changes), and the
 * Send button. Sending saves unsaved changes first, counts again, and asks for a confirmation that says what will
 * happen; a 409 `audience_changed` shows the new count and asks again.
 */
export function ReviewPanel({
  slug,
  broadcast,
  overlay,
  schedule,
  timezone,
  dirty,
  canEdit,
  policy,
  onEstimate,
  onSave,
  onScheduleErrors,
  onFieldErrors,
  onSent,
}: {
  slug: string;
  broadcast: BroadcastDetail;
  /** the editor's unsaved audience, laid over the saved draft */
  overlay: EstimateBroadcast;
  schedule: ScheduleChoice;
  timezone: string;
  dirty: boolean;
  canEdit: boolean;
  policy: SendPolicy;
  onEstimate: (estimate: AudienceEstimate) => void;
  /** saves the editor's changes; the saved broadcast, or null when the save was refused */
  onSave: () => Promise<BroadcastDetail | null>;
  onScheduleErrors: (errors: Record<string, string>) => void;
  /** the send's refusals that name a draft field (a segment, a template): shown beside it in the editor */
  onFieldErrors: (errors: Record<string, string>) => void;
  onSent: (broadcast: BroadcastDetail) => void;
}) {
  const [estimate, setEstimate] = useState<AudienceEstimate | null>(null);
  const [estimateError, setEstimateError] = useState<string | null>(null);
  // the overlay the shown estimate was counted for: another one means the count is being refreshed
  const [countedKey, setCountedKey] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<{ broadcast: BroadcastDetail; count: number; changed: boolean } | null>(null);
  const [preparing, setPreparing] = useState(false);
  const [prepareError, setPrepareError] = useState<string | null>(null);
  const overlayKey = JSON.stringify(overlay);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      const result = await api.broadcasts.estimate(slug, broadcast.id, JSON.parse(overlayKey) as EstimateBroadcast, {
        signal: controller.signal,
      });
      if (controller.signal.aborted) return;
      setCountedKey(overlayKey);
      if (result.ok) {
        setEstimate(result.data);
        setEstimateError(null);
        onEstimate(result.data);
      } else setEstimateError(result.error.message);
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // onEstimate is the parent's setter: stable enough, and re-counting on its identity would loop
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slug, broadcast.id, overlayKey]);

  async function review() {
    setPrepareError(null);
    const { errors } = scheduleBody(schedule, timezone);
    onScheduleErrors(errors);
    if (Object.keys(errors).length) return;
    setPreparing(true);
    const saved = dirty ? await onSave() : broadcast;
    if (!saved) {
      setPreparing(false);
      setPrepareError("Fix the fields marked in the editor, then send.");
      return;
    }
    const fresh = await api.broadcasts.estimate(slug, saved.id, schedule.kind === "local" ? overlay : {});
    setPreparing(false);
    if (!fresh.ok) return setPrepareError(fresh.error.message);
    setEstimate(fresh.data);
    setConfirm({ broadcast: saved, count: fresh.data.willBeSent, changed: false });
  }

  const blocked = !policy.maySend;
  return (
    <section
      aria-label="Review"
      className="space-y-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-stone-200"
      data-testid="review"
    >
      <div>
        <h2 className="text-base font-semibold text-stone-900">Audience</h2>
        <p className="text-xs text-stone-500">
          Counted now: the segments change until the send, and the final count is taken when it starts.
        </p>
      </div>
      {estimateError ? <FormAlert message={`Counting failed: ${estimateError}`} /> : null}
      {estimate ? (
        <EstimateBreakdown estimate={estimate} stale={countedKey !== overlayKey} />
      ) : estimateError ? null : (
        <p className="text-sm text-stone-500">Counting…</p>
      )}
      {canEdit ? (
        <div className="space-y-2 border-t border-stone-100 pt-4">
          <Button
            className="w-full"
            onClick={() => void review()}
            disabled={blocked || preparing}
            title={blocked ? (policy.reason ?? undefined) : undefined}
          >
            <Send className="h-4 w-4" aria-hidden="true" />
            {preparing
              ? "Counting…"
              : schedule.kind === "now"
                ? dirty
                  ? "Save and review the send"
                  : "Review and send"
                : dirty
                  ? "Save and review the schedule"
                  : "Review and schedule"}
          </Button>
          {blocked ? (
            <p className="flex gap-1.5 text-xs text-amber-800" data-testid="send-blocked">
              <ShieldAlert className="h-4 w-4 shrink-0" aria-hidden="true" />
              {policy.reason}
            </p>
          ) : null}
          <FormAlert message={prepareError} />
        </div>
      ) : null}
      {confirm ? (
        <ConfirmSendDialog
          slug={slug}
          broadcast={confirm.broadcast}
          count={confirm.count}
          changed={confirm.changed}
          schedule={schedule}
          timezone={timezone}
          onChanged={(count) => setConfirm({ ...confirm, count, changed: true })}
          onFieldErrors={(errors) => {
            const schedule = Object.fromEntries(Object.entries(errors).filter(([path]) => path.startsWith("schedule")));
            onScheduleErrors(schedule);
            onFieldErrors(errors);
            setPrepareError("The send was refused: see the fields marked in the editor.");
            setConfirm(null);
          }}
          onClose={() => setConfirm(null)}
          onSent={onSent}
        />
      ) : null}
    </section>
  );
}

function ConfirmSendDialog({
  slug,
  broadcast,
  count,
  changed,
  schedule,
  timezone,
  onChanged,
  onFieldErrors,
  onClose,
  onSent,
}: {
  slug: string;
  broadcast: BroadcastDetail;
  count: number;
  changed: boolean;
  schedule: ScheduleChoice;
  timezone: string;
  onChanged: (count: number) => void;
  onFieldErrors: (errors: Record<string, string>) => void;
  onClose: () => void;
  onSent: (broadcast: BroadcastDetail) => void;
}) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sentence = confirmationSentence({
    name: broadcast.name,
    channel: broadcast.channel,
    count,
    schedule,
    workspaceZone: timezone,
    variants: broadcast.variants,
    holdoutPercent: broadcast.holdoutPercent,
    testPercent: broadcast.testPercent,
    winnerAfterHours: broadcast.winnerAfterHours,
    winnerMetric: broadcast.winnerMetric,
    throttlePerMinute: broadcast.throttlePerMinute,
  });

  async function send() {
    const { body } = scheduleBody(schedule, timezone);
    if (!body) return;
    setSending(true);
    setError(null);
    const result = await api.broadcasts.send(slug, broadcast.id, { schedule: body, confirmedAudience: count });
    setSending(false);
    if (result.ok) return onSent(result.data.broadcast);
    const fresh = changedAudience(result.error);
    if (fresh !== null) return onChanged(fresh);
    if (result.error.hasFields) return onFieldErrors(result.error.fields);
    setError(result.error.message);
  }

  const now = schedule.kind === "now";
  return (
    <Dialog title={now ? "Send this broadcast?" : "Schedule this broadcast?"} onClose={onClose}>
      <div className="space-y-4" data-testid="confirm-send">
        {changed ? (
          <p
            role="status"
            className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset"
          >
            The audience changed since you opened this: it is now {plural(count, "person", "people")}. Check and confirm
            again.
          </p>
        ) : null}
        <p className="text-sm text-stone-800" data-testid="confirm-sentence">
          {sentence}
        </p>
        <p className="text-xs text-stone-500">
          {now
            ? "Sending starts at once. You can pause or cancel it while it sends."
            : "You can unschedule it until it starts."}
        </p>
        <FormAlert message={error} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Not yet
          </Button>
          <Button onClick={() => void send()} disabled={sending || count === 0}>
            <Send className="h-4 w-4" aria-hidden="true" />
            {sending ? "Sending…" : now ? `Send to ${plural(count, "person", "people")}` : "Schedule"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
