import { advanceEnrollment } from "@/lib/engine/advance";
import { performWebhookCall } from "@/lib/engine/webhook";
import { ENROLLMENT_ADVANCE, inngest, messageQueuedEvents, type EnrollmentAdvanceData } from "../client";

/**
 * Walks one enrollment until it waits or ends. The walk itself is a database transaction keyed by
 * (enrollment, node, visit), so running it again is harmless; a webhook is the one side effect outside
 * the database and gets its own step with a stable id, `<nodeId>:<visit>`, whose result Inngest keeps.
 * One run per enrollment at a time (the concurrency key).
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
    let last: Awaited<ReturnType<typeof advanceEnrollment>> | undefined;
    // Bounded: a journey has at most 2,000 nodes, and each pass stops at the next webhook.
    for (let pass = 0; pass < 2_000; pass++) {
      last = await step.run(`advance:${pass}`, () => advanceEnrollment(enrollmentId, new Date()));
      if (last.queuedMessageIds.length) await step.sendEvent(`messages:${pass}`, messageQueuedEvents(last.queuedMessageIds));
      if (last.state !== "webhook" || !last.webhook) break;
      const webhook = last.webhook;
      await step.run(`${webhook.nodeId}:${webhook.visit}`, () => performWebhookCall(webhook));
    }
    return { enrollmentId, state: last?.state };
  },
);
