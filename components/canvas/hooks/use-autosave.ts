"use client";

import type { Edge } from "@xyflow/react";
import { useCallback, useEffect, useState } from "react";
import type { TJourneySettings } from "@/lib/journeys/graph";
import { api } from "../../api/client";
import { toGraph } from "../editor/flow-graph";
import type { JourneyFlowNode } from "../journey-nodes";

export type SaveState = "saved" | "saving" | "unsaved" | "error" | "readonly";

/**
 * Saves the draft 800 ms after the last change (a PUT of the whole graph), says where saving is, and warns before
 * leaving the page with unsaved changes. `flush` saves now (publishing first saves what is on the canvas).
 */
export function useAutosave({
  slug,
  journeyId,
  readOnly,
  nodes,
  edges,
  settings,
}: {
  slug: string;
  journeyId: string;
  readOnly: boolean;
  nodes: JourneyFlowNode[];
  edges: Edge[];
  settings: TJourneySettings;
}) {
  const saveJson = JSON.stringify(toGraph(nodes, edges, settings));
  const [savedJson, setSavedJson] = useState(saveJson);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const save = useCallback(
    async (json: string) => {
      setSaving(true);
      const result = await api.journeys.saveDraft(slug, journeyId, { graph: JSON.parse(json) });
      setSaving(false);
      if (result.ok) {
        setSavedJson(json);
        setSaveError(null);
      } else setSaveError(result.error.message);
      return result.ok;
    },
    [slug, journeyId],
  );
  useEffect(() => {
    if (readOnly || saveJson === savedJson) return;
    const timer = setTimeout(() => void save(saveJson), 800);
    return () => clearTimeout(timer);
  }, [readOnly, saveJson, savedJson, save]);
  const saveState: SaveState = readOnly
    ? "readonly"
    : saving
      ? "saving"
      : saveError
        ? "error"
        : saveJson !== savedJson
          ? "unsaved"
          : "saved";
  useEffect(() => {
    if (readOnly || saveJson === savedJson) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [readOnly, saveJson, savedJson]);
  const flush = useCallback(async () => (saveJson === savedJson ? true : save(saveJson)), [saveJson, savedJson, save]);
  return { saveState, saveError, flush };
}
