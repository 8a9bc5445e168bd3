import { z } from "zod";
import { WINNER_METRICS } from "../schemas";

/** GET /broadcasts/{id}/results?metric=: what the statistics compare (default: the winner metric, else conversion). */
export const ZBroadcastResultsQuery = z.object({
  metric: z.enum(WINNER_METRICS, { error: "must be open, click or conversion" }).optional(),
});
export type BroadcastResultsQuery = z.infer<typeof ZBroadcastResultsQuery>;
