import { advanceMany } from "@/lib/engine/advance";
import { processIngestedEvents } from "@/lib/engine/process-events";
import { EVENT_INGESTED, inngest, type EventIngestedData } from "../client";
import { sendWalkFollowUps } from "./walk-follow-ups";

/**
 * Ingested events → enrollments entered, waits resumed, exits and conversions (lib/engine/process-events.ts),
 * then the people who moved are walked to their next wait in the same step; those who reached a webhook
 * continue in advance-enrollment, where the call is a step of its own.
 */
export const processEvent = inngest.createFunction(
  { id: "process-event", name: "Process ingested events", retries: 10, triggers: [{ event: EVENT_INGESTED }] },
  async ({ event, step }) => {
    const data = event.data as EventIngestedData;
    const result = await step.run("process", async () => {
      const now = new Date();
      const processed = await processIngestedEvents(data.workspaceId, data.eventIds, now);
      const walked = await advanceMany(processed.advance, now);
      return { ...processed, ...walked };
    });
    await sendWalkFollowUps(step, result);
    return { enrolled: result.enrolled, resumed: result.resumed, exited: result.exited, converted: result.converted, steps: result.steps };
  },
);
