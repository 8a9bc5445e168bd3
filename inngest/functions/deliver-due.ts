import { claimDueMessages } from "@/lib/messaging/delivery";
import { inngest, MESSAGE_QUEUED } from "@/lib/jobs";
import { WAKE_DUE_CRON } from "./wake-due";

/**
 * Hands messages back to deliver-message when their quiet hours end (or their sender vanished, or nobody took
 * them: a walk that died between queuing messages and delivering them), on the same tick as wake-due. The
 * event id names the moment, so a repeated sweep of the same message is dropped. See claimDueMessages.
 */
export const deliverDue = inngest.createFunction(
  {
    id: "deliver-due",
    name: "Send messages whose quiet hours ended",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: WAKE_DUE_CRON }],
  },
  async ({ step }) => {
    const due = await step.run("claim", () => claimDueMessages(new Date()));
    if (due.length)
      await step.sendEvent(
        "deliver",
        due.map(({ id, due: at }) => ({
          id: `message-due-${id}-${at}`,
          name: MESSAGE_QUEUED,
          data: { messageId: id },
        })),
      );
    return { due: due.length };
  },
);
