"use client";

import { useState } from "react";
import type { BroadcastControlResult, BroadcastDetail } from "@/lib/broadcasts/broadcast-views";
import { api } from "../api/client";
import { formatCount } from "../events/format";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { FormAlert } from "../ui/field";
import { plural } from "../ui/format";
import { progressCounts } from "./model";

export type Control = "pause" | "resume" | "cancel" | "unschedule";

const CONTROL_TEXT: Record<Control, { title: string; button: string }> = {
  pause: { title: "Pause sending?", button: "Pause" },
  resume: { title: "Resume sending?", button: "Resume" },
  cancel: { title: "Cancel this broadcast?", button: "Cancel the broadcast" },
  unschedule: { title: "Unschedule?", button: "Unschedule" },
};

/**
 * Asks before pausing, resuming, cancelling or unscheduling, saying what it will stop (with the exact counts), then
 * reports what it did, "in flight" messages included.
 */
export function ControlDialog({
  slug,
  broadcast,
  control,
  onClose,
  onDone,
}: {
  slug: string;
  broadcast: BroadcastDetail;
  control: Control;
  onClose: () => void;
  onDone: (broadcast: BroadcastDetail, outcome: string) => void;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const counts = progressCounts(broadcast.progress.total);
  const explain: Record<Control, string> = {
    pause: `Nothing more goes out until you resume; ${plural(counts.pending, "message")} wait. Messages a sender has already picked up still go.`,
    resume: `Sending picks up where it stopped: ${plural(counts.pending, "message")} to go.`,
    cancel:
      broadcast.status === "SCHEDULED"
        ? "It will not go out. This cannot be undone; duplicate it to send it later."
        : `This stops the ${plural(counts.pending, "message")} not yet sent${broadcast.progress.audienceDone ? "" : " and everyone not yet added to the audience"}. The ${formatCount(counts.sent)} already sent stay sent; messages a sender has already picked up still go. This cannot be undone.`,
    unschedule: "It goes back to a draft, which you can change and send or schedule again.",
  };

  async function run() {
    setPending(true);
    setError(null);
    if (control === "unschedule") {
      const result = await api.broadcasts.unschedule(slug, broadcast.id);
      setPending(false);
      if (result.ok) onDone(result.data, "Unscheduled: it is a draft again.");
      else setError(result.error.message);
      return;
    }
    const result = await api.broadcasts[control](slug, broadcast.id);
    setPending(false);
    if (result.ok) onDone(result.data.broadcast, describe(control, result.data.counts));
    else setError(result.error.message);
  }

  return (
    <Dialog title={CONTROL_TEXT[control].title} onClose={onClose}>
      <div className="space-y-4" data-testid={`confirm-${control}`}>
        <p className="text-sm text-stone-800">{explain[control]}</p>
        <FormAlert message={error} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Keep it as it is
          </Button>
          <Button variant={control === "cancel" ? "danger" : "primary"} onClick={() => void run()} disabled={pending}>
            {pending ? "Working…" : CONTROL_TEXT[control].button}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

function describe(control: Exclude<Control, "unschedule">, c: BroadcastControlResult["counts"]): string {
  const inFlight = c.inFlight ? `; ${plural(c.inFlight, "message")} already picked up will still go` : "";
  if (control === "cancel")
    return `Cancelled: ${formatCount(c.sent)} sent, ${formatCount(c.cancelled)} cancelled${inFlight}.`;
  if (control === "pause") return `Paused: ${formatCount(c.sent)} sent, ${formatCount(c.pending)} waiting${inFlight}.`;
  return `Resumed: ${formatCount(c.sent)} sent, ${formatCount(c.pending)} to go.`;
}
