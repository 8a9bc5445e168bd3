import { inngest } from "@/lib/jobs";
import { catchUp } from "@/lib/recommendations/build";
import { backgroundCron } from "./background-cron";

/** Sent to recompute now (e.g. after an import of past orders) instead of waiting for the next minute. */
export const RECOMMENDATIONS_RECOMPUTE = "cairn/recommendations.recompute";

/** Every minute on Inngest, every 30 s embedded; CAIRN_RECOMMENDATIONS_CRON overrides. */
export const RECOMPUTE_RECOMMENDATIONS_CRON = backgroundCron(process.env, {
  variable: "CAIRN_RECOMMENDATIONS_CRON",
  embedded: "*/30 * * * * *",
});

/**
 * Brings the recommendation model up to the latest settled events (lib/recommendations/build.ts): batches over the
 * cursor, never a rebuild. One run at a time (the cursor's row lock serialises them anyway); a run stops after 20
 * batches (a million events) and the next one goes on, so a backlog never holds one step for long.
 */
export const recomputeRecommendations = inngest.createFunction(
  {
    id: "recompute-recommendations",
    name: "Recompute recommendations",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: RECOMPUTE_RECOMMENDATIONS_CRON }, { event: RECOMMENDATIONS_RECOMPUTE }],
  },
  async ({ step }) =>
    step.run("catch-up", async () => {
      const done = await catchUp({ now: new Date(), maxBatches: 20 });
      return { batches: done.batches, events: done.events, cursor: done.to?.toString() ?? null };
    }),
);
