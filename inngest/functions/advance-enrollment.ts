import { walkOne } from "@/lib/engine/walk-batch";
import { RetryAfterError } from "inngest";
import { performWebhookCall, WebhookBusyError } from "@/lib/engine/webhook";
import { rangesOf, type MembershipChange } from "@/lib/segments/membership";
import { ENROLLMENT_ADVANCE, EnrollmentAdvanceData, inngest, parseJob } from "@/lib/jobs";
import { sendWalkFollowUps } from "./walk-follow-ups";

/**
 * Walks one enrollment until it waits or ends: an API enrollment, and the webhook calls a batch walk left over
 * (one another worker was making after a crash; a journey looping through many webhooks). Batch walks make
 * their own calls (lib/engine/walk-enrollments.ts). The walk is a database transaction keyed by (enrollment,
 * node, visit), so running it again is harmless. A webhook, the side effect outside the database, is a
 * step with a stable id, `<nodeId>:<visit>`; that step also walks on from the webhook, so a person who
 * reaches a webhook costs two calls to the app (the step, the end). One run per enrollment at a time
 * (the concurrency key).
 */
export const advanceEnrollmentFn = inngest.createFunction(
  {
    id: "advance-enrollment",
    name: "Advance an enrollment",
    retries: 10,
    concurrency: [{ limit: 1, key: "event.data.enrollmentId" }],
    triggers: [{ event: ENROLLMENT_ADVANCE }],
  },
  async ({ event, step }) => {
    const { enrollmentId, webhook: stoppedAt } = parseJob(EnrollmentAdvanceData, event);
    const queued: string[] = [];
    const segmentChanges: MembershipChange[] = [];
    // Sent by a walk that stopped at a webhook, the run starts with that call; otherwise it walks first.
    let webhook = stoppedAt;
    let state: string | undefined;
    if (!webhook) {
      const walked = await step.run("advance", () => walkOne(enrollmentId, new Date()));
      queued.push(...walked.queuedMessageIds);
      segmentChanges.push(...(walked.segmentChanges ?? []));
      state = walked.state;
      webhook = walked.state === "webhook" ? walked.webhook : undefined;
    }
    // Bounded: a journey has at most 2,000 nodes, and each pass ends at the next webhook.
    for (let pass = 0; pass < 2_000 && webhook; pass++) {
      const target = webhook;
      const walked = await step.run(`${target.nodeId}:${target.visit}`, async () => {
        try {
          await performWebhookCall(target);
        } catch (error) {
          // Another run is making this very call (a replay after a crash): look again shortly, not after
          // Inngest's default 15-second backoff.
          if (error instanceof WebhookBusyError) throw new RetryAfterError(error.message, 2_000);
          throw error;
        }
        return walkOne(enrollmentId, new Date());
      });
      queued.push(...walked.queuedMessageIds);
      segmentChanges.push(...(walked.segmentChanges ?? []));
      state = walked.state;
      webhook = walked.state === "webhook" ? walked.webhook : undefined;
    }
    await sendWalkFollowUps(step, {
      needWebhook: [],
      queuedMessageIds: queued,
      segmentRanges: rangesOf(segmentChanges),
    });
    return { enrollmentId, state };
  },
);
