import { Inngest } from "inngest";

/**
 * Cairn's Inngest client: lib/ sends its jobs (lib/jobs/contracts.ts) with it, and inngest/functions creates
 * the functions that run them. It lives here, not in inngest/, because the domain sends events and must not
 * import the runtime layer; constructing it connects to nothing. Configuration comes from the environment, as
 * the SDK reads it: INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY for Inngest Cloud, INNGEST_BASE_URL (or
 * INNGEST_DEV) for a self-hosted server or the embedded executor. See README, "Durable execution".
 */
export const inngest = new Inngest({ id: "cairn" });

/** Whether an Inngest (cloud, self-hosted, or the embedded executor) is configured to receive events. */
export function isInngestConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!(env.INNGEST_EVENT_KEY || env.INNGEST_BASE_URL || env.INNGEST_EVENT_API_BASE_URL || env.INNGEST_DEV);
}
