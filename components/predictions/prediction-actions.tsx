"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/field";
import { predictionsClient } from "./api";

/** A prediction page's editor actions: train now (while none is queued or running) and archive. */
export function PredictionActions({ slug, id, busy }: { slug: string; id: string; busy: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState<"train" | "archive" | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  async function run(action: "train" | "archive") {
    if (action === "archive" && !window.confirm("Archive this prediction? Its scores stop serving at once.")) return;
    setPending(action);
    setMessage(null);
    const result = await predictionsClient[action](slug, id);
    setPending(null);
    if (!result.ok) return setMessage(result.error.message);
    router.refresh();
  }

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <Button variant="secondary" onClick={() => run("train")} disabled={busy || pending !== null}>
          {pending === "train" ? "Queuing…" : busy ? "Training queued" : "Train now"}
        </Button>
        <Button variant="danger" onClick={() => run("archive")} disabled={pending !== null}>
          Archive
        </Button>
      </div>
      <FormAlert message={message} />
    </div>
  );
}
