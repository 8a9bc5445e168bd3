import { createHmac, timingSafeEqual } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool, withTransaction } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { systemClock, type Clock } from "../runtime/clock";
import { loadProviderConfigs } from "./channel-config";
import { unsubscribeForComplaint } from "./store/consent";
import { hasMessageEvent, insertMessageEvent } from "./store/message-events";
import {
  lockReportedMessages,
  lockTwilioMessages,
  markDelivered,
  markUndelivered,
  type ReportedMessage,
  selectTwilioSidWorkspaces,
} from "./store/provider-reports";
import { suppress } from "./suppressions";

export { TWILIO_STATUS_PATH, twilioStatusCallbackUrl } from "./providers/sms-twilio";

/**
 * What providers report after a send: delivered, bounced, complained (marked as spam), failed. A hard
 * bounce or a complaint suppresses the address for the whole workspace, and a complaint also unsubscribes
 * the person from the channel: nobody who called a message spam gets another.
 *
 * Two ways in: Twilio's status callback (form-encoded, signed with X-Twilio-Signature), and a generic JSON
 * endpoint (`POST /api/v1/messages/events`, full key) for email providers' bounce/complaint webhooks
 * relayed by the customer's own glue (SES via SNS, Postmark, SendGrid all differ; this is the one shape).
 */
export const DELIVERY_EVENT_TYPES = ["delivered", "bounced", "complained", "failed"] as const;
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

export const ZDeliveryEvents = z
  .object({
    events: z
      .array(
        z
          .object({
            messageId: z.uuid("must be a Cairn message id (the X-Cairn-Message-Id header of the mail)").optional(),
            providerMessageId: z.string().min(1).max(500).optional(),
            type: z.enum(DELIVERY_EVENT_TYPES, { error: `must be one of ${DELIVERY_EVENT_TYPES.join(", ")}` }),
            reason: z.string().max(1000, "at most 1,000 characters").optional(),
            /** soft bounces are recorded but don't suppress the address */
            bounceType: z.enum(["hard", "soft"], { error: 'must be "hard" or "soft"' }).default("hard"),
            at: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional(),
          })
          .strict()
          .refine((e) => e.messageId || e.providerMessageId, {
            message: "give messageId or providerMessageId",
            path: ["messageId"],
          }),
      )
      .min(1, "send at least one event")
      .max(500, "at most 500 events per request"),
  })
  .strict();

/**
 * Applies one report. Providers deliver webhooks at least once, so a replayed report changes nothing and
 * adds nothing to the timeline: a status change is recorded only when it happens, a complaint once.
 */
async function applyEvent(
  client: pg.PoolClient,
  message: ReportedMessage,
  type: DeliveryEventType,
  reason: string | null,
  bounceType: "hard" | "soft",
  at: Date,
): Promise<void> {
  switch (type) {
    case "delivered": {
      if (await markDelivered(client, message.id, at))
        await insertMessageEvent(
          client,
          message.id,
          message.workspaceId,
          "delivered",
          at,
          reason ? { response: reason } : {},
        );
      return;
    }
    case "bounced":
    case "failed": {
      // A soft bounce (mailbox full, greylisted until the provider gave up) ends this message, but the
      // address may work tomorrow: only a hard bounce suppresses it.
      const status = type === "bounced" ? "BOUNCED" : "FAILED";
      const text =
        reason ??
        (type === "bounced"
          ? `${bounceType === "hard" ? "Hard" : "Soft"} bounce`
          : "The provider could not deliver it");
      if (await markUndelivered(client, message.id, status, text, at))
        await insertMessageEvent(client, message.id, message.workspaceId, type, at, {
          reason: text,
          ...(type === "bounced" ? { bounceType } : {}),
        });
      if (type === "bounced" && bounceType === "hard" && message.to)
        await suppress(client, message.workspaceId, message.channel, [message.to], "bounce", text, message.id, at);
      return;
    }
    case "complained": {
      if (!(await hasMessageEvent(client, message.id, "complained")))
        await insertMessageEvent(client, message.id, message.workspaceId, "complained", at, reason ? { reason } : {});
      if (message.profileId)
        await unsubscribeForComplaint(client, message.workspaceId, message.profileId, message.channel, at);
      // after the consent, so the segment re-check that suppress() makes sees both
      if (message.to)
        await suppress(
          client,
          message.workspaceId,
          message.channel,
          [message.to],
          "complaint",
          reason ?? "Marked as spam",
          message.id,
          at,
        );
      return;
    }
  }
}

/** The generic endpoint: events for this workspace's messages, all applied or (unknown message) none. */
export async function recordDeliveryEvents(
  ctx: WorkspaceContext,
  input: unknown,
  clock: Clock = systemClock,
): Promise<{ applied: number }> {
  requirePermission(ctx, "content:write");
  const { events } = parseInput(ZDeliveryEvents, input);
  return withTransaction(async (client) => {
    const rows = await lockReportedMessages(
      client,
      ctx.workspace.id,
      events.flatMap((e) => (e.messageId ? [e.messageId] : [])),
      events.flatMap((e) => (e.providerMessageId ? [e.providerMessageId] : [])),
    );
    const missing = events.flatMap((e, i) =>
      rows.some((r) => r.id === e.messageId || (e.providerMessageId && r.providerMessageId === e.providerMessageId))
        ? []
        : [i],
    );
    if (missing.length)
      throw AppError.validation(
        missing.map((i) => ({ path: `events.${i}`, message: "no message of this workspace has this id" })),
      );
    for (const event of events) {
      const message = rows.find(
        (r) => r.id === event.messageId || (event.providerMessageId && r.providerMessageId === event.providerMessageId),
      )!;
      await applyEvent(
        client,
        message,
        event.type,
        event.reason ?? null,
        event.bounceType,
        event.at ? new Date(event.at) : clock(),
      );
    }
    return { applied: events.length };
  });
}

/** Twilio's signature: base64 HMAC-SHA1 of the full URL followed by each POST parameter (sorted) name+value. */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const sorted = [...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac("sha1", authToken)
    .update(url + sorted.map(([k, v]) => k + v).join(""))
    .digest("base64");
}

const TWILIO_STATUS: Record<string, DeliveryEventType | undefined> = {
  delivered: "delivered",
  undelivered: "failed",
  failed: "failed",
};
// Twilio error codes that mean the number can never receive: unknown number, landline or unreachable carrier,
// the person replied STOP, not a mobile number. Not 30003 ("unreachable destination handset": switched off
// or out of coverage, which passes) nor carrier filtering (30007): those fail the message but keep the number.
const DEAD_NUMBER_CODES = new Set(["30005", "30006", "21610", "21614"]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function signatureMatches(
  authToken: string | undefined,
  url: string,
  params: URLSearchParams,
  signature: string | null,
): boolean {
  if (!authToken || !signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const wrongSignature = () => new AppError("unauthenticated", "Missing or wrong X-Twilio-Signature for this account.");

/**
 * Twilio's status callback, for the workspace named in the callback URL (`?workspace=<id>`, put there when
 * the SMS was sent): the signature must be that workspace's auth token's over the URL, and only that
 * workspace's message with the SID changes. Unsigned or wrongly signed requests are refused before any
 * message is looked at; an unknown SID is acknowledged at once and changes nothing.
 *
 * A report to the bare URL (no workspace: SMS sent before callbacks carried one) is accepted only for a
 * workspace that has a message with the SID and whose auth token signed the report, and changes only that
 * workspace's message: a SID is a provider's word, and a workspace pointing its SMS at a server of its own
 * can make SIDs up, so a SID alone never picks the workspace.
 */
export async function receiveTwilioStatus(
  url: string,
  body: string,
  signature: string | null,
  workspaceId: string | null,
  clock: Clock = systemClock,
): Promise<{ applied: boolean }> {
  const params = new URLSearchParams(body);
  const sid = params.get("MessageSid") ?? params.get("SmsSid");
  if (!sid) throw AppError.field("MessageSid", "is required");
  if (workspaceId !== null) {
    if (!UUID.test(workspaceId)) throw wrongSignature();
    const config = (await loadProviderConfigs(workspaceId)).sms;
    if (!signatureMatches(config?.authToken, url, params, signature)) throw wrongSignature();
    return applyTwilioStatus(workspaceId, sid, params, clock);
  }
  const workspaceIds = await selectTwilioSidWorkspaces(pgPool(), sid);
  if (!workspaceIds.length) return { applied: false };
  for (const candidate of workspaceIds) {
    const config = (await loadProviderConfigs(candidate)).sms;
    if (signatureMatches(config?.authToken, url, params, signature))
      return applyTwilioStatus(candidate, sid, params, clock);
  }
  throw wrongSignature();
}

/** One verified report, applied to the workspace's message with the SID (if it has one). */
function applyTwilioStatus(
  workspaceId: string,
  sid: string,
  params: URLSearchParams,
  clock: Clock,
): Promise<{ applied: boolean }> {
  return withTransaction(async (client) => {
    const rows = await lockTwilioMessages(client, workspaceId, sid);
    if (!rows.length) return { applied: false };
    const type = TWILIO_STATUS[params.get("MessageStatus") ?? ""];
    if (!type) return { applied: false }; // queued / sending / sent: nothing new
    const code = params.get("ErrorCode");
    const dead = type === "failed" && code && DEAD_NUMBER_CODES.has(code);
    // a SID is unique within one Twilio account; should a made-up one repeat, each message of this workspace gets the report
    for (const message of rows)
      await applyEvent(client, message, dead ? "bounced" : type, code ? `Twilio error ${code}` : null, "hard", clock());
    return { applied: true };
  });
}
