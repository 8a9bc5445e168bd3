import { walkEnrollments } from "@/lib/engine/walk-enrollments";
import { inngest, segmentChangedEvents } from "@/lib/jobs";
import { systemClock } from "@/lib/runtime/clock";
import { dispatchPredictionChanges } from "@/lib/segments/prediction-changes";
import { markDispatched, rangesOf } from "@/lib/segments/membership";
import { backgroundCron } from "./background-cron";
import { sendWalkFollowUps } from "./walk-follow-ups";

/**
 * How often score changes are dispatched: every minute on Inngest, every 5 s embedded;
 * CAIRN_PREDICTION_CHANGES_CRON overrides both.
 */
export function predictionChangesCron(env: Record<string, string | undefined> = process.env): string {
  return backgroundCron(env, { variable: "CAIRN_PREDICTION_CHANGES_CRON", embedded: "*/5 * * * * *" });
}

export const PREDICTION_CHANGES_CRON = predictionChangesCron();
/** Sent (no data) after a scoring run recorded changes, to dispatch them now rather than at the next tick. */
export const PREDICTION_SCORES_CHANGED = "cairn/prediction.scores-changed";
const CLAIM = 2_000;

/**
 * Scores → segments and journeys (lib/segments/prediction-changes.ts): claims the score changes scoring recorded,
 * re-evaluates the segments that read those predictions for those people, enrolls the people who entered a tier
 * in the journeys that start on it, and marks the changes dispatched, all in one transaction per batch; then walks
 * the new enrollments and announces the segment entries and exits (cairn/segment.changed), a few rounds per tick.
 * A change is dispatched exactly once: a retry finds it dispatched, or (rolled back) takes it again and the entry
 * keys enroll nobody twice. Enrollments a crash left unwalked are woken by wake-due when their lease runs out.
 */
export const dispatchPredictionChangesFn = inngest.createFunction(
  {
    id: "dispatch-prediction-changes",
    name: "Dispatch prediction score changes to segments and journeys",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: PREDICTION_CHANGES_CRON }, { event: PREDICTION_SCORES_CHANGED }],
  },
  async ({ step }) => {
    let claimed = 0;
    let enrolled = 0;
    for (let round = 0; round < 10; round++) {
      const result = await step.run(`dispatch:${round}`, async () => {
        const dispatch = await dispatchPredictionChanges(new Date(), { limit: CLAIM });
        const walked = await walkEnrollments(dispatch.enrolled, systemClock);
        return {
          claimed: dispatch.claimed,
          enrolled: dispatch.enrolled.length,
          ranges: rangesOf(dispatch.segmentChanges),
          needWebhook: walked.needWebhook,
          queuedMessageIds: walked.queuedMessageIds,
          segmentRanges: walked.segmentRanges,
        };
      });
      if (result.ranges.length) {
        await step.sendEvent(`announce:${round}`, segmentChangedEvents(result.ranges));
        await step.run(`announced:${round}`, () => markDispatched(result.ranges, new Date()));
      }
      await sendWalkFollowUps(step, result, `:${round}`);
      claimed += result.claimed;
      enrolled += result.enrolled;
      if (result.claimed < CLAIM) break;
    }
    return { claimed, enrolled };
  },
);
