import { advanceEnrollment } from "@/lib/engine/advance";
import { performWebhookCall } from "@/lib/engine/webhook";
import { ENROLLMENT_ADVANCE, inngest, messageQueuedEvents, type EnrollmentAdvanceData } from "../client";

/**
 * Walks one enrollment until it waits or ends. The walk is a database transaction keyed by (enrollment,
 * node, visit), so running it again is harmless. A webhook, the side effect outside the database, is a
 * step with a stable id, `<nodeId>:<visit>`; that step also walks on from the webhook (one call to the
 * app per webhook instead of two). One run per enrollment at a time (the concurrency key).
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
    const { enrollmentId } = event.data as EnrollmentAdvanceData;
    let last = await step.run("advance", () => advanceEnrollment(enrollmentId, new Date()));
    const queued = [...last.queuedMessageIds];
    // Bounded: a journey has at most 2,000 nodes, and each pass ends at the next webhook.
    for (let pass = 0; pass < 2_000 && last.state === "webhook" && last.webhook; pass++) {
      const webhook = last.webhook;
      last = await step.run(`${webhook.nodeId}:${webhook.visit}`, async () => {
        await performWebhookCall(webhook);
        return advanceEnrollment(enrollmentId, new Date());
      });
      queued.push(...last.queuedMessageIds);
    }
    if (queued.length) await step.sendEvent("messages", messageQueuedEvents(queued));
    return { enrollmentId, state: last.state };
  },
);
