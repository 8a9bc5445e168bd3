import { eventLocaleOf, type PreparedRender, prepareRenderMany, withRenderTrace } from "../../content/prepare-render";
import type { Channel, RenderAssets, RenderResult, TemplateContent } from "../../messaging/liquid";
import { buildScope, prepareSend, type Send } from "../../messaging/prepare-send";
import { smtpPoolSize } from "../../messaging/providers/smtp";
import type { SendResult } from "../../messaging/providers/types";
import { renderPool } from "../../messaging/render-pool";
import type { Clock } from "../../runtime/clock";
import { claimAndCheck } from "./claim-and-check";
import { loadSendContext, pinnedTemplate, type SendContext } from "./load-send-context";
import { type Attempt, recordBatch, type RenderStop } from "./record-batch";
import { selectSendingBroadcast } from "./store/sending-broadcasts";
import { webhookScopeFor, webhookSendFor } from "./webhook-send";
import { pgPool } from "../../db/pool";

/**
 * One batch of a broadcast: the batched equivalent of deliverMessage (lib/messaging/delivery.ts), with the same
 * guarantees, statuses, reasons and timeline entries, so the Messages page, a message's timeline and the analytics
 * read a broadcast's messages like any other.
 *
 *   1. claim and check (./claim-and-check.ts): one transaction claims up to `limit` due messages and runs the
 *      checks for all of them at once;
 *   2. render: each variant's template, pinned at the broadcast's start, for all its people in one batch to the
 *      render workers (parsed once, each person within one message's budget);
 *   3. send: the provider calls, a bounded number at a time (email: as many as the pooled SMTP transport has
 *      connections, twice over so none waits idle), emails' SMTP exchanges in the sender threads
 *      (lib/messaging/providers/smtp-worker-pool.ts) so this thread goes on claiming, rendering and recording;
 *   4. record (./record-batch.ts): one transaction, one statement per outcome.
 *
 * Exactly once as in delivery.ts: a claimed message belongs to this sender until CLAIM_MS passes; a sender that
 * dies mid-batch leaves claims that lapse, and the next claim sends those messages again with the same
 * idempotency key (the SMTP Message-ID), which is the only way a person can get a copy: at most the batch that
 * was in flight at the crash.
 */

export interface BatchOutcome {
  claimed: number;
  sent: number;
  /** in-app: in the inbox at once */
  delivered: number;
  suppressed: number;
  failed: number;
  bounced: number;
  delayed: number;
  retried: number;
  /** ended by something else meanwhile (a cancel), left as they were */
  skipped: number;
  /** where the time went, in ms */
  timings: { check: number; render: number; send: number; record: number };
}

/** A batch claimed, checked and rendered, its provider calls not made yet. */
export interface PreparedBatch {
  context: SendContext;
  outcome: BatchOutcome;
  sends: { id: string; send: Send; attempt: number; templateVersion: number }[];
  renderStops: RenderStop[];
}

export async function prepareBroadcastBatch(context: SendContext, clock: Clock, limit: number): Promise<PreparedBatch> {
  const started = performance.now();
  const checked = await claimAndCheck(context, clock(), limit);
  const checkedAt = performance.now();
  const outcome: BatchOutcome = {
    claimed: checked.claimed,
    sent: 0,
    delivered: 0,
    suppressed: checked.suppressed,
    failed: checked.failed,
    bounced: 0,
    delayed: checked.delayed,
    retried: 0,
    skipped: checked.skipped,
    timings: { check: checkedAt - started, render: 0, send: 0, record: 0 },
  };
  const sends: PreparedBatch["sends"] = [];
  const renderStops: RenderStop[] = [];
  const byTemplate = new Map<string, typeof checked.ready>();
  for (const c of checked.ready)
    byTemplate.set(c.message.templateId, [...(byTemplate.get(c.message.templateId) ?? []), c]);

  for (const [templateId, group] of byTemplate) {
    const template = await pinnedTemplate(context, templateId);
    const channel = context.broadcast.channel as Channel;
    if (!template || template.channel !== channel) {
      const reason = !template
        ? "The template has no version saved before this broadcast started"
        : `The template is for ${template.channel}, the broadcast sends ${channel}`;
      for (const c of group) renderStops.push({ id: c.message.id, reason });
      continue;
    }
    // each person's language (and fetches) first (lib/content/prepare-render.ts); people who share a language
    // share a content object, and each such group renders in one batch
    const prepared = await prepareRenderMany(
      {
        workspaceId: context.broadcast.workspaceId,
        channel,
        content: template.content,
        assets: template.assets,
        now: clock(),
      },
      group.map((c) => ({
        profileId: c.profile.id,
        traits: c.profile.traits,
        eventLocale: eventLocaleOf(c.message.context),
        scope: webhookScopeFor(context, c) ?? buildScope(c.message, c.profile, null),
      })),
    );
    const results = await renderGrouped(channel, prepared, template.assets);
    group.forEach((c, i) => {
      if (prepared[i].stop) {
        renderStops.push({ id: c.message.id, reason: prepared[i].stop! });
        return;
      }
      const rendered = results[i];
      if (rendered.errors.length) {
        renderStops.push({
          id: c.message.id,
          reason: `Rendering failed: ${rendered.errors.map((e) => `${e.path.replace(/^content\./, "")}: ${e.message}`).join("; ")}`,
        });
        return;
      }
      const send =
        webhookSendFor(context, template, c, rendered.fields, clock) ??
        prepareSend(c.message, rendered.fields, c.addresses, context.configs, { senderThread: true });
      if ("notConfigured" in send) renderStops.push({ id: c.message.id, reason: send.notConfigured });
      else
        sends.push({
          id: c.message.id,
          send: prepared[i].trace ? { ...send, content: withRenderTrace(send.content, prepared[i].trace) } : send,
          attempt: c.message.attempts,
          templateVersion: template.version,
        });
    });
  }
  outcome.timings.render = performance.now() - checkedAt;
  return { context, outcome, sends, renderStops };
}

/** Renders prepared people in one batch per distinct content (one per language); results in the people's order. */
async function renderGrouped(channel: Channel, prepared: PreparedRender<unknown, object>[], assets: RenderAssets) {
  const groups = new Map<unknown, number[]>();
  prepared.forEach((p, i) => groups.set(p.content, [...(groups.get(p.content) ?? []), i]));
  const results = new Array<RenderResult>(prepared.length);
  for (const [content, indexes] of groups) {
    const rendered = await renderPool().renderMany(
      channel,
      content as TemplateContent,
      indexes.map((i) => prepared[i].scope),
      assets,
    );
    indexes.forEach((index, k) => {
      results[index] = rendered[k];
    });
  }
  return results;
}

/** How many provider calls of a batch are in flight at once. */
export function sendConcurrency(channel: string, env: Record<string, string | undefined> = process.env): number {
  const asked = Number(env.CAIRN_BROADCAST_SEND_CONCURRENCY);
  if (Number.isInteger(asked) && asked >= 1 && asked <= 1000) return asked;
  return channel === "email" ? smtpPoolSize(env).maxConnections * 2 : 16;
}

/** Makes a prepared batch's provider calls, a bounded number at a time; what each answered, in the batch's order. */
export async function sendPreparedBatch(prepared: PreparedBatch, clock: Clock): Promise<Attempt[]> {
  const { context, outcome, sends } = prepared;
  const started = performance.now();
  const attempts: Attempt[] = new Array(sends.length);
  let next = 0;
  const lanes = Math.min(sendConcurrency(context.broadcast.channel), sends.length);
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < sends.length) {
        const index = next++;
        const { id, send, attempt, templateVersion } = sends[index];
        if (send.provider === "inbox") {
          attempts[index] = { id, send, attempt, templateVersion, startedAt: clock(), result: null };
          continue;
        }
        const startedAt = clock();
        try {
          const result: SendResult & { deadTokens?: string[] } = await send.call();
          attempts[index] = { id, send, attempt, templateVersion, startedAt, result };
        } catch (error) {
          attempts[index] = { id, send, attempt, templateVersion, startedAt, error };
        }
      }
    }),
  );
  outcome.timings.send = performance.now() - started;
  return attempts;
}

/** Records what a sent batch's calls answered (./record-batch.ts); the batch's outcome, complete. */
export async function recordSentBatch(
  prepared: PreparedBatch,
  attempts: Attempt[],
  clock: Clock,
): Promise<BatchOutcome> {
  const { context, outcome, renderStops } = prepared;
  const started = performance.now();
  const recorded = await recordBatch(context.broadcast.workspaceId, attempts, renderStops, clock());
  outcome.timings.record = performance.now() - started;
  outcome.sent += recorded.sent;
  outcome.delivered += recorded.delivered;
  outcome.failed += recorded.failed;
  outcome.bounced += recorded.bounced;
  outcome.retried += recorded.retried;
  outcome.skipped += recorded.skipped;
  return outcome;
}

/** Makes a prepared batch's provider calls and records every outcome. */
export async function deliverPreparedBatch(prepared: PreparedBatch, clock: Clock): Promise<BatchOutcome> {
  return recordSentBatch(prepared, await sendPreparedBatch(prepared, clock), clock);
}

/**
 * Sends one batch of the broadcast's due messages (see the file's comment). `context` is what a link of the send
 * chain loaded once for its batches; without it, it is loaded here.
 */
export async function sendBroadcastBatch(
  broadcastId: string,
  clock: Clock,
  options: { limit: number; context?: SendContext },
): Promise<BatchOutcome> {
  let context = options.context;
  if (!context) {
    const broadcast = await selectSendingBroadcast(pgPool(), broadcastId);
    if (!broadcast) throw new Error(`Broadcast ${broadcastId} does not exist`);
    context = await loadSendContext(broadcast, clock());
  }
  return deliverPreparedBatch(await prepareBroadcastBatch(context, clock, options.limit), clock);
}
