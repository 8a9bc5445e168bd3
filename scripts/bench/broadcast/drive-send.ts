/**
 * bench:broadcast's run: the broadcast drafted and sent now through lib/broadcasts (as the app's "Send now"
 * does: the send role, the checks, the audience count, the audit entry), then its send chain driven in this
 * process the way the send-broadcast Inngest function drives it: runBroadcast link after link, waiting when a
 * link says "at" (the function's sleepUntil), until a link says the broadcast is done or stopped.
 */
import type { RunResult } from "../../../lib/broadcasts/send/run-broadcast";
import { systemClock } from "../../../lib/runtime/clock";
import { type Audience, EMAIL_CONTENT } from "./seed-audience";

/**
 * Starts the render workers and the SMTP sender threads (as a running app has them: instrumentation.ts) and renders
 * the template once; returns how long, in ms.
 */
export async function warmWorkers(): Promise<number> {
  const { renderPool } = await import("../../../lib/messaging/render-pool");
  const { warmSmtpSenders } = await import("../../../lib/messaging/providers/smtp");
  const started = performance.now();
  await Promise.all([renderPool().warm(), warmSmtpSenders()]);
  const result = await renderPool().render("email", EMAIL_CONTENT, {
    profile: { traits: { first_name: "Ada", plan: "pro" } },
  });
  if (result.errors.length) throw new Error(`the template does not render: ${JSON.stringify(result.errors)}`);
  return performance.now() - started;
}

export async function createBroadcastToSend(audience: Audience): Promise<string> {
  const { createBroadcast } = await import("../../../lib/broadcasts/create-broadcast");
  const draft = await createBroadcast(audience.owner, {
    name: "What is new (bench)",
    channel: "email",
    segmentIds: [audience.segmentId],
    variants: [{ key: "A", name: "", templateId: audience.templateId, weight: 100 }],
  });
  return draft.id;
}

export interface DriveResult {
  links: number;
  /** how the chain ended: "done", or the status a "stop" named */
  status: string;
  /** ms from "send now" until sendBroadcast returned (the checks and the audience count) */
  sendNowMs: number;
  totals: RunResult["totals"];
  /** summed over the links (overlapping batches make their sum exceed the wall time) */
  timings: RunResult["timings"];
}

export async function sendNowAndDrive(
  audience: Audience,
  broadcastId: string,
  options: { chains: number; onLink?: (link: RunResult) => Promise<void> },
): Promise<DriveResult> {
  const { sendBroadcast } = await import("../../../lib/broadcasts/send-broadcast");
  const { emptyTallies, runBroadcast } = await import("../../../lib/broadcasts/send/run-broadcast");
  const started = performance.now();
  await sendBroadcast(audience.owner, broadcastId, { schedule: { kind: "now" } });
  const result: DriveResult = {
    links: 0,
    status: "SENDING",
    sendNowMs: performance.now() - started,
    ...emptyTallies(),
  };
  const chain = async () => {
    for (;;) {
      const link = await runBroadcast(broadcastId, systemClock);
      result.links++;
      for (const key of Object.keys(result.totals) as (keyof DriveResult["totals"])[])
        result.totals[key] += link.totals[key];
      for (const key of Object.keys(result.timings) as (keyof DriveResult["timings"])[])
        result.timings[key] += link.timings[key];
      await options.onLink?.(link);
      const { decision } = link;
      if (decision.next === "now") continue;
      if (decision.next === "at") {
        await new Promise((r) => setTimeout(r, Math.max(0, new Date(decision.at).getTime() - Date.now())));
        continue;
      }
      // "winner" cannot come: the bench's broadcast has no winner test
      result.status = decision.next === "stop" ? decision.status : decision.next;
      return;
    }
  };
  await Promise.all(Array.from({ length: options.chains }, chain));
  return result;
}

/** Why messages of the broadcast did not go out (status, reason, how many), the most common first. */
export async function notSentReasons(broadcastId: string): Promise<{ status: string; reason: string; n: number }[]> {
  const { pgPool } = await import("../../../lib/db/pool");
  const { rows } = await pgPool().query<{ status: string; reason: string | null; n: number }>(
    `SELECT status, "statusReason" AS reason, count(*)::int AS n FROM "Message"
      WHERE "broadcastId" = $1 AND status NOT IN ('SENT', 'DELIVERED')
      GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5`,
    [broadcastId],
  );
  return rows.map((r) => ({ status: r.status, reason: r.reason ?? "(no reason recorded)", n: r.n }));
}
