import { markDispatched, processDueChecks, rangesOf, undispatchedRanges } from "@/lib/segments/membership";
import { inngest, segmentChangedEvents } from "@/lib/jobs";
import { backgroundCron } from "./background-cron";

/**
 * How often memberships whose next check passed are re-evaluated: every minute on Inngest, every 5 s embedded;
 * CAIRN_SEGMENT_CHECKS_CRON overrides both.
 */
export function segmentChecksCron(env: Record<string, string | undefined> = process.env): string {
  return backgroundCron(env, { variable: "CAIRN_SEGMENT_CHECKS_CRON", embedded: "*/5 * * * * *" });
}

export const SEGMENT_CHECKS_CRON = segmentChecksCron();
const CLAIM = 2_000;
/** Changes older than this and still unannounced were left by a crash: announce them. */
const SWEEP_AFTER_MS = 30_000;

/**
 * The clock's side of segments: claims memberships and non-member checks whose nextCheckAt passed (a time
 * window closed, "not in the last 14 days" began to hold) and re-evaluates those people only, a few rounds per
 * tick; then announces the changes, and any older ones nobody announced.
 */
export const segmentChecks = inngest.createFunction(
  {
    id: "segment-checks",
    name: "Re-check segment memberships due by the clock",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: SEGMENT_CHECKS_CRON }],
  },
  async ({ step }) => {
    let claimed = 0;
    for (let round = 0; round < 10; round++) {
      const result = await step.run(`check:${round}`, async () => {
        const { claimed, changes } = await processDueChecks(new Date(), { limit: CLAIM });
        return { claimed, ranges: rangesOf(changes) };
      });
      if (result.ranges.length) {
        await step.sendEvent(`announce:${round}`, segmentChangedEvents(result.ranges));
        await step.run(`announced:${round}`, () => markDispatched(result.ranges, new Date()));
      }
      claimed += result.claimed;
      if (result.claimed < CLAIM) break;
    }
    const left = await step.run("sweep", () => undispatchedRanges(new Date(Date.now() - SWEEP_AFTER_MS)));
    if (left.length) {
      await step.sendEvent("announce:sweep", segmentChangedEvents(left));
      await step.run("announced:sweep", () => markDispatched(left, new Date()));
    }
    return { claimed, swept: left.length };
  },
);
