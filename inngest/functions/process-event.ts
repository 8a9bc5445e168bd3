import { processIngestedEvents } from "@/lib/engine/process-events";
import { advanceEvents, EVENT_INGESTED, inngest, type EventIngestedData } from "../client";

/** Ingested events → enrollments entered, waits resumed, exits and conversions (lib/engine/process-events.ts). */
export const processEvent = inngest.createFunction(
  { id: "process-event", name: "Process ingested events", retries: 10, triggers: [{ event: EVENT_INGESTED }] },
  async ({ event, step }) => {
    const data = event.data as EventIngestedData;
    const result = await step.run("process", () => processIngestedEvents(data.workspaceId, data.eventIds, new Date()));
    if (result.advance.length) await step.sendEvent("advance", advanceEvents(result.advance));
    return { enrolled: result.enrolled, resumed: result.resumed, exited: result.exited, converted: result.converted };
  },
);

