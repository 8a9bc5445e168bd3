import { z } from "zod";

/**
 * Journeys as stored: a draft that is edited freely (and may be incomplete), and immutable published
 * versions (v1, v2, …). Publishing validates the draft with the same rules as the canvas; in-flight
 * people finish on the version they started (the engine's concern), new entries use the newest.
 */
export const JOURNEY_STATUSES = ["DRAFT", "LIVE", "PAUSED", "ARCHIVED"] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

export const ZJourneyName = z
  .string({ error: "Name the journey" })
  .trim()
  .min(1, "Name the journey")
  .max(120, "A journey name has at most 120 characters");
export const ZCreateJourney = z.object({ name: ZJourneyName, graph: z.unknown().optional() }).strict();
export const ZSaveDraft = z.object({ graph: z.unknown(), name: ZJourneyName.optional() }).strict();

export const ZRenameJourney = z.object({ name: ZJourneyName }).strict();
