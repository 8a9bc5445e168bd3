import { withTransaction } from "../../db/pool";
import { MAX_ATTEMPTS, retryDelayMs } from "../../messaging/delivery";
import type { Channel } from "../../messaging/liquid";
import { DevicesGoneError, type Send } from "../../messaging/prepare-send";
import { ProviderError, type SendResult } from "../../messaging/providers/types";
import { suppress } from "../../messaging/suppressions";
import {
  finishMessages,
  insertMessageEvents,
  markDeliveredToInboxes,
  markSentMessages,
  scheduleRetries,
} from "./store/sender";

/**
 * A batch's last phase: what its provider calls answered, recorded in one transaction with one statement per
 * outcome, by the rules of lib/messaging/delivery.ts (deliverMessage and recordFailure): accepted → SENT with what
 * went out and a `sent` entry; in-app → DELIVERED; a retryable error → due again after the backoff (`retry`), up to
 * MAX_ATTEMPTS; a permanent address failure → BOUNCED and the address suppressed; anything else → FAILED. Messages
 * that could not be rendered or prepared fail with the reason. Every statement skips a message that something
 * else ended meanwhile.
 */

export interface RenderStop {
  id: string;
  reason: string;
}

export type Attempt = { id: string; send: Send; attempt: number; templateVersion: number; startedAt: Date } & (
  | { result: (SendResult & { deadTokens?: string[] }) | null }
  | { error: unknown }
);

export interface Recorded {
  sent: number;
  delivered: number;
  failed: number;
  bounced: number;
  retried: number;
  skipped: number;
}

export async function recordBatch(
  workspaceId: string,
  attempts: Attempt[],
  renderStops: RenderStop[],
  now: Date,
): Promise<Recorded> {
  const accepted = attempts.filter((a): a is Attempt & { result: SendResult } => "result" in a && a.result !== null);
  const inbox = attempts.filter((a) => "result" in a && a.result === null);
  const errors = attempts.filter((a): a is Attempt & { error: unknown } => "error" in a);
  for (const e of errors) if (!(e.error instanceof ProviderError)) throw e.error;

  return withTransaction(async (client) => {
    const recorded: Recorded = { sent: 0, delivered: 0, failed: 0, bounced: 0, retried: 0, skipped: 0 };
    const events: { messageId: string; type: string; at: Date; detail: Record<string, unknown> }[] = [];

    const sentIds = new Set(
      await markSentMessages(
        client,
        accepted.map((a) => ({
          id: a.id,
          sentAt: a.startedAt,
          providerMessageId: a.result.providerMessageId,
          to: a.send.to,
          content: a.send.content,
          provider: a.send.provider,
          templateVersion: a.templateVersion,
        })),
        now,
      ),
    );
    for (const a of accepted) {
      if (!sentIds.has(a.id)) continue;
      events.push({
        messageId: a.id,
        type: "sent",
        at: a.startedAt,
        detail: { provider: a.send.provider, to: a.send.to, response: a.result.response, attempt: a.attempt },
      });
      const dead = (a.result as { deadTokens?: string[] }).deadTokens;
      if (dead?.length)
        await suppress(
          client,
          workspaceId,
          "push",
          dead,
          "invalid_address",
          "The push service says this device is gone",
          a.id,
          now,
        );
    }
    recorded.sent = sentIds.size;

    const inboxIds = new Set(
      await markDeliveredToInboxes(
        client,
        inbox.map((a) => ({
          id: a.id,
          to: a.send.to,
          content: a.send.content,
          provider: a.send.provider,
          templateVersion: a.templateVersion,
        })),
        now,
      ),
    );
    for (const id of inboxIds)
      events.push({
        messageId: id,
        type: "delivered",
        at: now,
        detail: { response: `In the inbox of ${inbox.find((a) => a.id === id)!.send.to}` },
      });
    recorded.delivered = inboxIds.size;

    const retries: { id: string; reason: string; retryAt: Date; attempt: number }[] = [];
    const ends: { id: string; status: "FAILED" | "BOUNCED"; reason: string }[] = renderStops.map((s) => ({
      ...s,
      status: "FAILED",
    }));
    for (const e of errors) {
      const error = e.error as ProviderError;
      // a webhook's reason says itself who answered, or that no one did (lib/broadcasts/send/webhook-send.ts)
      const reason =
        e.send.provider === "webhook"
          ? error.message
          : `${e.send.provider === "outbox" ? "The embedded SMTP server" : "The provider"} answered: ${error.message}`;
      if (error.retryable && e.attempt < MAX_ATTEMPTS) {
        retries.push({
          id: e.id,
          reason,
          retryAt: new Date(now.getTime() + retryDelayMs(error, e.attempt)),
          attempt: e.attempt,
        });
      } else if (error.permanentAddressFailure) {
        const addresses =
          error instanceof DevicesGoneError ? error.deadTokens : e.send.provider === "push" ? [] : [e.send.to];
        const channel: Channel = e.send.provider === "push" ? "push" : e.send.provider === "twilio" ? "sms" : "email";
        await suppress(client, workspaceId, channel, addresses, "invalid_address", error.message, e.id, now);
        ends.push({ id: e.id, status: "BOUNCED", reason });
      } else {
        ends.push({
          id: e.id,
          status: "FAILED",
          reason: error.retryable ? `Gave up after ${e.attempt} attempts. ${reason}` : reason,
        });
      }
    }
    const retriedIds = new Set(await scheduleRetries(client, retries, now));
    for (const r of retries)
      if (retriedIds.has(r.id))
        events.push({
          messageId: r.id,
          type: "retry",
          at: now,
          detail: { reason: r.reason, attempt: r.attempt, of: MAX_ATTEMPTS, retryAt: r.retryAt.toISOString() },
        });
    recorded.retried = retriedIds.size;

    const endedIds = new Set(await finishMessages(client, ends, now));
    for (const e of ends)
      if (endedIds.has(e.id))
        events.push({ messageId: e.id, type: e.status.toLowerCase(), at: now, detail: { reason: e.reason } });
    recorded.failed = ends.filter((e) => e.status === "FAILED" && endedIds.has(e.id)).length;
    recorded.bounced = ends.filter((e) => e.status === "BOUNCED" && endedIds.has(e.id)).length;

    await insertMessageEvents(client, workspaceId, events);
    recorded.skipped =
      attempts.length + renderStops.length - sentIds.size - inboxIds.size - retriedIds.size - endedIds.size;
    return recorded;
  });
}
