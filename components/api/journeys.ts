import type { z } from "zod";
import type { journeyStats } from "@/lib/engine/read-model";
import type { evaluateExperimentNow } from "@/lib/experiments/evaluate-experiment";
import type { ZExperimentSettings } from "@/lib/experiments/experiment-settings";
import type { updateExperimentSettings } from "@/lib/experiments/update-experiment-settings";
import type { journeyDraftWarnings } from "@/lib/journeys/checks";
import type { archiveJourney, pauseJourney, restoreJourney, resumeJourney } from "@/lib/journeys/change-journey-status";
import type { createJourney, duplicateJourney } from "@/lib/journeys/create-journey";
import type { previewPublish, publishJourney } from "@/lib/journeys/publish-journey";
import type { renameJourney } from "@/lib/journeys/rename-journey";
import type { saveDraft } from "@/lib/journeys/save-draft";
import type { ZCreateJourney, ZRenameJourney, ZSaveDraft } from "@/lib/journeys/schemas";
import { path, type Send } from "./request";
import type { Answer } from "./types";

/** Journeys and their A/B splits: /api/workspaces/[slug]/journeys/… */
export function journeysApi(send: Send) {
  const journey = (slug: string, id: string) => path`/workspaces/${slug}/journeys/${id}`;
  return {
    create: (slug: string, body: z.input<typeof ZCreateJourney>) =>
      send<Answer<typeof createJourney>>("POST", path`/workspaces/${slug}/journeys`, { body }),
    rename: (slug: string, id: string, body: z.input<typeof ZRenameJourney>) =>
      send<Answer<typeof renameJourney>>("PATCH", journey(slug, id), { body }),
    saveDraft: (slug: string, id: string, body: z.input<typeof ZSaveDraft>) =>
      send<Answer<typeof saveDraft>>("PUT", `${journey(slug, id)}/draft`, { body }),
    /** What publishing would change, and the problems that block it. */
    previewPublish: (slug: string, id: string) =>
      send<Answer<typeof previewPublish>>("GET", `${journey(slug, id)}/publish`),
    /** The saved draft's warnings (they do not block publishing). */
    checks: (slug: string, id: string) =>
      send<Answer<typeof journeyDraftWarnings>>("GET", `${journey(slug, id)}/checks`),
    publish: (slug: string, id: string) => send<Answer<typeof publishJourney>>("POST", `${journey(slug, id)}/publish`),
    pause: (slug: string, id: string) => send<Answer<typeof pauseJourney>>("POST", `${journey(slug, id)}/pause`),
    resume: (slug: string, id: string) => send<Answer<typeof resumeJourney>>("POST", `${journey(slug, id)}/resume`),
    archive: (slug: string, id: string) => send<Answer<typeof archiveJourney>>("POST", `${journey(slug, id)}/archive`),
    restore: (slug: string, id: string) => send<Answer<typeof restoreJourney>>("POST", `${journey(slug, id)}/restore`),
    duplicate: (slug: string, id: string) =>
      send<Answer<typeof duplicateJourney>>("POST", `${journey(slug, id)}/duplicate`),
    /** The live counts the canvas polls. */
    stats: (slug: string, id: string) => send<Answer<typeof journeyStats>>("GET", `${journey(slug, id)}/stats`),
  };
}

/**
 * The settings form sends a half-filled prior as it is, so the server's message lands on the empty field; the
 * rest is the schema's input.
 */
type ExperimentSettingsBody = Omit<z.input<typeof ZExperimentSettings>, "prior"> & {
  prior?: { mean?: number; sd?: number } | null;
};

/** One A/B split of a journey, by the journey and the split node's id. */
export function experimentsApi(send: Send) {
  const experiment = (slug: string, journeyId: string, nodeId: string) =>
    path`/workspaces/${slug}/journeys/${journeyId}/experiments/${nodeId}`;
  return {
    updateSettings: (slug: string, journeyId: string, nodeId: string, body: ExperimentSettingsBody) =>
      send<Answer<typeof updateExperimentSettings>>("PUT", experiment(slug, journeyId, nodeId), { body }),
    /** The scheduled evaluation, now. */
    evaluate: (slug: string, journeyId: string, nodeId: string) =>
      send<Answer<typeof evaluateExperimentNow>>("POST", `${experiment(slug, journeyId, nodeId)}/evaluate`),
  };
}
