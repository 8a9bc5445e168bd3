"use client";

import { useCallback, useState } from "react";
import type { JourneyDetail } from "@/lib/journeys/journey-views";
import type { JourneyStatus } from "@/lib/journeys/schemas";
import { api } from "../../api/client";

/**
 * The journey's lifecycle as the editor shows it: status, live version and versions, pausing and resuming,
 * publishing (the dialog and what it answers) and renaming, with the notice or error each leaves.
 */
export function useJourneyActions(slug: string, journey: JourneyDetail) {
  const [status, setStatus] = useState<JourneyStatus>(journey.status);
  const [liveVersion, setLiveVersion] = useState<number | null>(journey.liveVersion);
  const [versions, setVersions] = useState(journey.versions);
  const [publishing, setPublishing] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const statusAction = useCallback(
    async (action: "pause" | "resume") => {
      setActionError(null);
      const result = await api.journeys[action](slug, journey.id);
      if (result.ok) {
        setStatus(result.data.status);
        setNotice(
          action === "pause"
            ? "Paused: nobody new enters; people already in it wait where they are."
            : "Resumed: the journey is live again.",
        );
      } else setActionError(result.error.message);
    },
    [slug, journey.id],
  );
  const onPublished = useCallback((detail: JourneyDetail & { published?: { version: number } }) => {
    setStatus(detail.status);
    setLiveVersion(detail.liveVersion);
    setVersions(detail.versions);
    setPublishing(false);
    setNotice(
      `Published v${detail.liveVersion}. New entries follow this version; people already in the journey finish the one they started.`,
    );
  }, []);
  const rename = useCallback(
    async (next: string) => {
      const trimmed = next.trim();
      if (!trimmed || trimmed === journey.name) return;
      const result = await api.journeys.rename(slug, journey.id, { name: trimmed });
      if (!result.ok) setActionError(result.error.message);
    },
    [slug, journey.id, journey.name],
  );
  return {
    status,
    liveVersion,
    versions,
    publishing,
    setPublishing,
    actionError,
    notice,
    setNotice,
    statusAction,
    onPublished,
    rename,
  };
}
