import { advanceMany, type AdvanceManyResult } from "./advance";
import { performWebhookCall, WebhookBusyError, type WebhookCallTarget, type WebhookOptions } from "./webhook";

/** Calls in flight at once for one batch: enough to hide a receiver's latency, few enough to be polite. */
const CALLS_AT_ONCE = 32;

export interface WebhookBatchResult extends AdvanceManyResult {
  /** calls another worker is making right now (a replay after a crash): their enrollments go on elsewhere */
  busy: WebhookCallTarget[];
}

/**
 * Makes the webhook calls a batch of walks stopped at, in parallel, then walks those enrollments on to their
 * next wait (which may be the next webhook). The function that walked a batch makes its calls in one step
 * of its own run instead of starting a run per person: on one machine each run is several round trips from
 * the executor to the app, and a run per webhook was what capped the engine at a few hundred steps a second.
 *
 * Each call is still made once per (enrollment, node, visit): performWebhookCall claims it in the database
 * before the request goes out and records the response, so repeating this step (a retry, a crash before its
 * result was stored) calls nobody twice and the walk reads the recorded outcome.
 */
export async function callWebhooksAndWalkOn(targets: WebhookCallTarget[], now: () => Date, options: WebhookOptions = {}): Promise<WebhookBatchResult> {
  const busy: WebhookCallTarget[] = [];
  const done: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CALLS_AT_ONCE, targets.length) }, async () => {
      for (let i = next++; i < targets.length; i = next++) {
        try {
          await performWebhookCall(targets[i], options);
          done.push(targets[i].enrollmentId);
        } catch (error) {
          if (!(error instanceof WebhookBusyError)) throw error;
          busy.push(targets[i]);
        }
      }
    }),
  );
  return { ...(await advanceMany(done, now())), busy };
}
