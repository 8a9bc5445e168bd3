import { deliverQueuedNow } from "../messaging/deliver-now";
import type { Clock } from "../runtime/clock";
import { walkInBatches, type WalkSummary } from "./walk-batch";
import { performWebhookCalls, type WebhookOptions } from "./webhook";

/** Webhooks in a row one walk goes through before handing the rest to advance-enrollment (a looping journey). */
const WEBHOOK_PASSES = 20;

export interface WalkOptions {
  /** deliver the messages the walks queue in this same call (lib/messaging/deliver-now.ts), as process-event and wake-due do */
  deliverMessages?: boolean;
  /** how the webhook calls on the way are made (timeouts, attempts; tests shorten them) */
  webhook?: WebhookOptions;
}

/**
 * The engine's entry for a walk: moves enrollments through their journeys to their next wait (or end), making
 * the webhook calls they reach on the way: the calls a pass stopped at are made in parallel, then those people
 * are walked on, until nobody is at a webhook. Every Inngest function that walks (process-event, wake-due,
 * segment-entries, schedule-journeys) calls this inside the step that walks, so a batch of people costs its run
 * no extra calls from the executor to the app: on one machine those round trips, a run per person who reached
 * a webhook, were what held the engine to a few hundred steps a second and seconds of latency.
 *
 * Each call is still made once per (enrollment, node, visit): performWebhookCalls claims it in the database
 * before the request goes out and records the response, so repeating the step (a retry, a crash before its
 * result was stored) calls nobody twice, and the walk reads the recorded outcome. What is left in
 * `needWebhook` (a call another worker is making right now, after a crash; a walk past WEBHOOK_PASSES) goes on
 * in advance-enrollment, one run per person (walkOne in walk-batch.ts, each call a step of its own).
 *
 * With `deliverMessages`, `queuedMessageIds` is left with only the messages whose delivery threw, for
 * deliver-message.
 */
export async function walkEnrollments(
  enrollmentIds: string[],
  clock: Clock,
  options: WalkOptions = {},
): Promise<WalkSummary> {
  const result = await walkInBatches(enrollmentIds, clock());
  const handOff: WalkSummary["needWebhook"] = [];
  for (let pass = 0; pass < WEBHOOK_PASSES && result.needWebhook.length; pass++) {
    const targets = result.needWebhook;
    const outcomes = await performWebhookCalls(targets, { clock, ...options.webhook });
    const called = targets.filter((_, i) => outcomes[i] !== "busy").map((t) => t.enrollmentId);
    handOff.push(...targets.filter((_, i) => outcomes[i] === "busy"));
    const walked = await walkInBatches(called, clock());
    result.steps += walked.steps;
    result.queuedMessageIds.push(...walked.queuedMessageIds);
    result.segmentRanges.push(...walked.segmentRanges);
    result.needWebhook = walked.needWebhook;
  }
  result.needWebhook.push(...handOff);
  if (options.deliverMessages) result.queuedMessageIds = await deliverQueuedNow(result.queuedMessageIds);
  return result;
}
