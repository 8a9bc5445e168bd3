import type pg from "pg";
import { pgPool, withTransaction } from "../db/pool";
import { systemClock, type Clock } from "../runtime/clock";
import { loadProviderConfigs } from "./channel-config";
import { CHANNELS, type TemplateContent, type TemplateKind } from "./liquid";
import {
  consentDecision,
  DEFAULT_POLICY,
  describeCap,
  loadPolicy,
  type MessagingPolicy,
  quietHoursEnd,
  reachedCap,
} from "./policy";
import { addressOnlyPerson, buildScope, contactPoints, DevicesGoneError, prepareSend, type Send } from "./prepare-send";
import { renderIsolated } from "./render-pool";
import { ProviderError, type SendResult } from "./providers/types";
import { selectConsentStatus } from "./store/consent";
import {
  claimMessage,
  type DeliveryMessage,
  delayMessage,
  finishMessage,
  handOverDueMessages,
  lockDeliveryMessage,
  lockMessageState,
  lockPersonChannel,
  markDeliveredToInbox,
  markSent,
  type MessageState,
  scheduleRetry,
  selectDeliveryMessage,
  selectJourneyPublication,
  selectRecentSendTimes,
} from "./store/deliveries";
import { insertMessageEvent } from "./store/message-events";
import { type Recipient, selectRecipient } from "./store/recipients";
import { selectSuppressions } from "./store/suppressions";
import { normalizeAddress, suppress } from "./suppressions";
import { renderAssetsAt, templateVersionAt } from "./templates/published-versions";
import { findAddressProfileIn } from "../topics/address-profile";
import { eventLocaleOf, prepareRender, withRenderTrace } from "../content/prepare-render";
import { topicRefusal } from "../topics/topic-consent";

/**
 * Delivering one queued message: render → checks → send → record (the deliver-message Inngest function
 * calls `deliverMessage`; the function itself only maps the outcome to "done", "retry later" or "retry").
 *
 * Exactly once per message, the same way journey webhooks are: a sender claims the message in a
 * transaction (status still QUEUED, `claimedUntil` in the future) after the checks, calls the provider
 * outside any transaction, then records the result. A second sender finds the claim and backs off; a
 * sender that crashed mid-call leaves a claim that lapses, and the retry sends again with the same
 * idempotency key (SMTP Message-ID, Twilio's I-Twilio-Idempotency-Token), which providers use to drop
 * the repeat. The checks and the claim share one transaction holding a lock per (person, channel), so two
 * messages racing for the last slot under a frequency cap cannot both take it.
 */
export const CLAIM_MS = 60_000;
/** retryable provider errors: after this many attempts the message fails with the last error */
export const MAX_ATTEMPTS = 6;
/** how long after the nth failed attempt the next one may go (30 s, 2 min, 10 min, 30 min, 1 h) */
const RETRY_BACKOFF_MS = [30_000, 120_000, 600_000, 1_800_000, 3_600_000];
export function retryBackoffMs(attempt: number): number {
  return RETRY_BACKOFF_MS[Math.min(Math.max(attempt, 1), RETRY_BACKOFF_MS.length) - 1];
}
/** The longest Retry-After a provider may ask for: longer, and the message would sit queued for most of a day. */
export const MAX_RETRY_AFTER_MS = 6 * 3_600_000;
/** How long after the nth failed attempt the next one goes: the backoff, or the provider's Retry-After if longer. */
export function retryDelayMs(error: ProviderError, attempt: number): number {
  return Math.max(retryBackoffMs(attempt), Math.min(error.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

export type DeliveryResult =
  | { outcome: "sent"; status: "SENT" | "DELIVERED"; providerMessageId: string | null }
  /**
   * not before `until` (quiet hours, a retry's backoff). `afterAttempt`: the message was tried before, so the
   * run that tried it owns the next try (deliver-message waits for it); else deliver-due hands it back then.
   */
  | { outcome: "delayed"; until: string; reason: string; afterAttempt: boolean }
  | { outcome: "suppressed" | "failed" | "bounced"; reason: string }
  /** the message had already been dealt with (a replayed event) */
  | { outcome: "done"; status: string }
  /** another sender holds the message; try again after the claim lapses */
  | { outcome: "busy"; retryAfterMs: number }
  /** a retryable provider error: try again with backoff */
  | { outcome: "retry"; reason: string; attempt: number; retryAt: string };

type Decision = { kind: "finish"; result: DeliveryResult } | { kind: "send"; send: Send; attempt: number };

async function finish(
  client: pg.PoolClient,
  message: Pick<MessageState, "id" | "workspaceId">,
  status: "SUPPRESSED" | "FAILED" | "BOUNCED",
  reason: string,
  now: Date,
): Promise<DeliveryResult & { outcome: "suppressed" | "failed" | "bounced" }> {
  await finishMessage(client, message.id, status, reason, now);
  await insertMessageEvent(client, message.id, message.workspaceId, status.toLowerCase(), now, { reason });
  return { outcome: status === "SUPPRESSED" ? "suppressed" : status === "FAILED" ? "failed" : "bounced", reason };
}

/** What the checks read besides the message, loaded before the transaction (embedded Postgres serves one transaction at a time, so nothing may wait on a second connection inside one). */
async function loadSettings(message: DeliveryMessage, now: Date) {
  // a transactional message reads no policy (caps, quiet hours and consent are marketing's) and has no journey
  const [policy, configs, journey] = await Promise.all([
    message.category === "transactional" ? DEFAULT_POLICY : loadPolicy(message.workspaceId),
    loadProviderConfigs(message.workspaceId),
    message.journeyId ? selectJourneyPublication(pgPool(), message.journeyId, message.journeyVersionId) : undefined,
  ]);
  // A journey sends what was current when its version was published; a transactional send what was current when
  // it was requested (the version its request was checked against).
  const publishedAt = journey?.publishedAt ?? (message.category === "transactional" ? message.createdAt : now);
  const template: SendableTemplate | null = message.inlineContent
    ? { channel: message.channel, version: null, content: message.inlineContent as TemplateContent }
    : await templateVersionAt(message.workspaceId, message.templateId, publishedAt);
  // partials and the layout as they were when the journey version was published, like the template
  const assets = template
    ? await renderAssetsAt(message.workspaceId, publishedAt, (template.content as { layoutId?: string }).layoutId)
    : {};
  return { policy, configs, journeyName: journey?.name ?? null, template, assets };
}

type SendableTemplate = { channel: TemplateKind; version: number | null; content: TemplateContent };

/**
 * The checks only marketing messages get (a transactional message, POST /api/v1/send, skips them: the person
 * asked for it): consent, quiet hours, frequency caps. Returns the message's end (or delay), or null to go on.
 */
async function marketingChecks(
  client: pg.PoolClient,
  message: DeliveryMessage,
  profile: Recipient,
  policy: MessagingPolicy,
  now: Date,
): Promise<DeliveryResult | null> {
  // 3. consent
  const consent = consentDecision(
    message.channel,
    await selectConsentStatus(client, profile.id, message.channel),
    profile.traits,
    policy.requireOptIn,
  );
  if (!consent.allowed) return finish(client, message, "SUPPRESSED", consent.reason, now);

  // 4. quiet hours: wait, don't drop
  const quietEnd = quietHoursEnd(policy.quietHours, message.channel, now, profile.timezone);
  if (quietEnd) {
    const reason = `Quiet hours ${policy.quietHours!.start}–${policy.quietHours!.end} in ${profile.timezone ?? policy.quietHours!.fallbackTimeZone}`;
    await delayMessage(client, message.id, quietEnd, now);
    await insertMessageEvent(client, message.id, message.workspaceId, "delayed", now, {
      reason,
      until: quietEnd.toISOString(),
    });
    return { outcome: "delayed", until: quietEnd.toISOString(), reason, afterAttempt: message.attempts > 0 };
  }

  // 5. frequency caps, under a lock per (person, channel) held until the claim commits
  const caps = policy.frequencyCaps.filter((c) => c.channel === message.channel);
  if (caps.length) {
    await lockPersonChannel(client, profile.id, message.channel);
    const longest = Math.max(...caps.map((c) => c.hours));
    const recent = await selectRecentSendTimes(
      client,
      [...new Set([profile.id, message.profileId ?? profile.id])],
      message.channel,
      message.id,
      now,
      new Date(now.getTime() - longest * 3_600_000),
    );
    const hit = reachedCap(
      caps,
      message.channel,
      (hours) => recent.filter((at) => at.getTime() > now.getTime() - hours * 3_600_000).length,
    );
    if (hit)
      return finish(
        client,
        message,
        "SUPPRESSED",
        `Frequency cap: ${describeCap(hit.cap)} (${hit.count} already)`,
        now,
      );
  }
  return null;
}

/** A message whose sendAfter has not come (its best time, quiet hours, a retry's backoff): nothing to do yet. */
function notDueYet(message: Pick<DeliveryMessage, "sendAfter" | "attempts">): DeliveryResult {
  return {
    outcome: "delayed",
    until: message.sendAfter!.toISOString(),
    reason: message.attempts
      ? "waiting for the end of quiet hours or a retry's backoff"
      : "waiting for its best time or the end of quiet hours",
    afterAttempt: message.attempts > 0,
  };
}

/** Phase 1, in one transaction: checks, render, and the claim (or the message's final state). */
async function decide(messageId: string, now: Date, queued?: DeliveryMessage): Promise<Decision> {
  const peek = queued ?? (await selectDeliveryMessage(pgPool(), messageId));
  if (!peek) return { kind: "finish", result: { outcome: "done", status: "MISSING" } };
  if (peek.status !== "QUEUED") return { kind: "finish", result: { outcome: "done", status: peek.status } };
  // Not due (a walk delivers what it queued at once, and a best-time message waits hours): answered before its
  // settings and template are loaded. The same check under the lock below decides when the peek was stale.
  if (peek.sendAfter && peek.sendAfter > now && !(peek.claimedUntil && peek.claimedUntil > now))
    return { kind: "finish", result: notDueYet(peek) };
  const { policy, configs, journeyName, template, assets } = await loadSettings(peek, now);

  return withTransaction(async (client) => {
    const message = await lockDeliveryMessage(client, messageId);
    if (!message) return { kind: "finish", result: { outcome: "done", status: "MISSING" } };
    if (message.status !== "QUEUED") return { kind: "finish", result: { outcome: "done", status: message.status } };
    if (message.claimedUntil && message.claimedUntil > now)
      return {
        kind: "finish",
        result: { outcome: "busy", retryAfterMs: message.claimedUntil.getTime() - now.getTime() },
      };
    if (message.sendAfter && message.sendAfter > now) return { kind: "finish", result: notDueYet(message) };
    if (!(CHANNELS as readonly string[]).includes(message.channel))
      return {
        kind: "finish",
        result: await finish(client, message, "FAILED", `Unknown channel "${message.channel}"`, now),
      };

    // A person merged into another since the message was queued is that other person now. A transactional
    // message to an address of no profile has only that address.
    const profile = message.profileId ? await selectRecipient(client, message.profileId) : null;
    if (message.profileId && !profile)
      return { kind: "finish", result: await finish(client, message, "FAILED", "The profile no longer exists", now) };
    const person = profile ?? addressOnlyPerson(message.channel, message.to);

    // 1. a contact point
    const points = contactPoints(message.channel, person, configs);
    if ("missing" in points)
      return { kind: "finish", result: await finish(client, message, "SUPPRESSED", points.missing, now) };

    // 2. never to a suppressed address, whatever the category (a hard bounce, a complaint, a manual entry)
    const suppressed = await selectSuppressions(
      client,
      message.workspaceId,
      message.channel,
      points.addresses.map((a) => normalizeAddress(message.channel, a)),
    );
    const deliverable = points.addresses.filter(
      (a) => !suppressed.some((s) => s.address === normalizeAddress(message.channel, a)),
    );
    if (!deliverable.length) {
      const s = suppressed[0];
      return {
        kind: "finish",
        result: await finish(
          client,
          message,
          "SUPPRESSED",
          `${message.channel === "push" ? "Every device" : s.address} is on the suppression list (${s.reason})`,
          now,
        ),
      };
    }

    // 2b. the person's choice for the message's topic, whatever the category: a transactional stream can be left
    // on its own (issue #19), and a message without a topic is never stopped by one. A message to an address of
    // no profile is checked against the profile its address has by now (leaving a topic from such a message
    // makes one: lib/topics/address-profile.ts).
    if (message.topicId) {
      const profileId =
        profile?.id ??
        (message.to ? await findAddressProfileIn(client, message.workspaceId, message.channel, message.to) : null);
      const refusal = profileId ? await topicRefusal(client, message.topicId, profileId) : null;
      if (refusal) return { kind: "finish", result: await finish(client, message, "SUPPRESSED", refusal, now) };
    }

    // 3–5. consent, quiet hours, frequency caps: marketing only
    if (profile && message.category !== "transactional") {
      const stopped = await marketingChecks(client, message, profile, policy, now);
      if (stopped) return { kind: "finish", result: stopped };
    }

    // 6. render the template version the journey version was published with; never send half a message
    if (!template)
      return {
        kind: "finish",
        result: await finish(
          client,
          message,
          "FAILED",
          message.journeyId
            ? "The template has no version saved before this journey version was published"
            : "The template has no saved version",
          now,
        ),
      };
    if (template.channel !== message.channel)
      return {
        kind: "finish",
        result: await finish(
          client,
          message,
          "FAILED",
          `The template is for ${template.channel}, the step sends ${message.channel}`,
          now,
        ),
      };
    // the person's language, and what the template fetches or looks up (lib/content/prepare-render.ts)
    const prepared = await prepareRender({
      workspaceId: message.workspaceId,
      profileId: profile?.id ?? null,
      traits: person.traits,
      eventLocale: eventLocaleOf(message.context),
      channel: message.channel,
      content: template.content,
      scope: buildScope(message, person, journeyName, { addressOnly: !profile && !message.topicId }),
      assets,
      now,
      db: client,
    });
    if (prepared.stop) return { kind: "finish", result: await finish(client, message, "FAILED", prepared.stop, now) };
    const rendered = await renderIsolated(message.channel, prepared.content, prepared.scope, assets);
    if (rendered.errors.length) {
      return {
        kind: "finish",
        result: await finish(
          client,
          message,
          "FAILED",
          `Rendering failed: ${rendered.errors.map((e) => `${e.path.replace(/^content\./, "")}: ${e.message}`).join("; ")}`,
          now,
        ),
      };
    }

    const send = prepareSend(message, rendered.fields, deliverable, configs);
    if ("notConfigured" in send)
      return { kind: "finish", result: await finish(client, message, "FAILED", send.notConfigured, now) };

    // 7. the claim
    await claimMessage(
      client,
      message.id,
      {
        until: new Date(now.getTime() + CLAIM_MS),
        templateVersion: template.version,
        to: send.to,
        content: withRenderTrace(send.content, prepared.trace),
        provider: send.provider,
      },
      now,
    );
    return { kind: "send", send, attempt: message.attempts + 1 };
  });
}

/**
 * Delivers one message (see the file's comment). `clock` is read before the checks and again after the provider
 * call. `queued`: the message as its sender just stored it (POST /api/v1/send), which spares the read before the
 * transaction; the transaction reads it again under its lock, as always.
 */
export async function deliverMessage(
  messageId: string,
  clock: Clock = systemClock,
  queued?: DeliveryMessage,
): Promise<DeliveryResult> {
  const decision = await decide(messageId, clock(), queued);
  if (decision.kind === "finish") return decision.result;
  const { send, attempt } = decision;

  if (send.provider === "inbox") {
    return withTransaction(async (client) => {
      const now = clock();
      const workspaceId = await markDeliveredToInbox(client, messageId, now);
      if (workspaceId)
        await insertMessageEvent(client, messageId, workspaceId, "delivered", now, {
          response: `In the inbox of ${send.to}`,
        });
      return { outcome: "sent", status: "DELIVERED", providerMessageId: null };
    });
  }

  let result: SendResult & { deadTokens?: string[] };
  const callStartedAt = clock();
  try {
    result = await send.call();
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return recordFailure(messageId, send, error, attempt, clock());
  }
  return withTransaction(async (client) => {
    const now = clock();
    // The embedded SMTP server may have recorded the delivery already (it runs as soon as the mail lands):
    // then the status stays DELIVERED and only the send is recorded, at the moment the call began.
    const sent = await markSent(client, messageId, callStartedAt, result.providerMessageId, now);
    if (sent) {
      await insertMessageEvent(client, messageId, sent.workspaceId, "sent", callStartedAt, {
        provider: send.provider,
        to: send.to,
        response: result.response,
        attempt,
      });
      if (result.deadTokens?.length)
        await suppress(
          client,
          sent.workspaceId,
          "push",
          result.deadTokens,
          "invalid_address",
          "The push service says this device is gone",
          messageId,
          now,
        );
    }
    return { outcome: "sent", status: "SENT", providerMessageId: result.providerMessageId };
  });
}

async function recordFailure(
  messageId: string,
  send: Send,
  error: ProviderError,
  attempt: number,
  now: Date,
): Promise<DeliveryResult> {
  return withTransaction(async (client) => {
    const message = await lockMessageState(client, messageId);
    if (!message || message.status !== "QUEUED")
      return { outcome: "done", status: message?.status ?? "MISSING" } as DeliveryResult;
    const reason = `${send.provider === "outbox" ? "The embedded SMTP server" : "The provider"} answered: ${error.message}`;
    if (error.retryable && attempt < MAX_ATTEMPTS) {
      // The next attempt is due after the backoff, and recorded as due: the due sweep hands the message
      // back then even if the run that should retry it is lost (otherwise it would stay QUEUED for good).
      const retryAt = new Date(now.getTime() + retryDelayMs(error, attempt));
      await scheduleRetry(client, messageId, reason, now, retryAt);
      await insertMessageEvent(client, messageId, message.workspaceId, "retry", now, {
        reason,
        attempt,
        of: MAX_ATTEMPTS,
        retryAt: retryAt.toISOString(),
      });
      return { outcome: "retry", reason, attempt, retryAt: retryAt.toISOString() };
    }
    if (error.permanentAddressFailure) {
      const addresses =
        error instanceof DevicesGoneError ? error.deadTokens : send.provider === "push" ? [] : [send.to];
      await suppress(
        client,
        message.workspaceId,
        message.channel,
        addresses,
        "invalid_address",
        error.message,
        messageId,
        now,
      );
      return finish(client, message, "BOUNCED", reason, now);
    }
    return finish(
      client,
      message,
      "FAILED",
      error.retryable ? `Gave up after ${attempt} attempts. ${reason}` : reason,
      now,
    );
  });
}

/**
 * How long the due sweep leaves a message whose own run retries it (a retry's backoff; a claim that lapses,
 * which the busy run retries at once): that run is due at the same moment, and a sweep racing it would start a
 * second run for the message. The sweep is the safety net for a run that was lost.
 */
export const SWEEP_GRACE_MS = 30_000;

/**
 * How long a QUEUED message may sit with nobody on it (no claim, no sendAfter) before the due sweep hands it to
 * deliver-message. A walk commits the messages it queued and then delivers them in its own call
 * (lib/messaging/deliver-now.ts), with no run behind them: if the app dies in between, nothing else would ever
 * send them. A walk that is alive claims its messages within moments of queuing them; one that is slow (its
 * webhook calls first, a provider timing out) may still be delivering after the grace, and then its
 * deliverMessage and the handed-over run race harmlessly: whichever claims the message first sends it, the other
 * finds it claimed or sent. The grace only keeps that race rare.
 */
export const UNCLAIMED_GRACE_MS = 60_000;

/**
 * Messages to hand to deliver-message again: never attempted and delayed by quiet hours until now; or, a
 * SWEEP_GRACE_MS after it, delayed by a retry's backoff (or quiet hours after an attempt) or claimed by a
 * sender that vanished (its claim lapsed); or queued (or handed over) and left untouched, with no claim and no
 * sendAfter, for UNCLAIMED_GRACE_MS: a walk that died before delivering what it queued, or a hand-over whose
 * event was lost. Every QUEUED message is therefore owned by a run or by this sweep. Clearing sendAfter and the
 * claim and touching updatedAt marks them handed over, so the next sweep does not hand them over again (before
 * another grace); SKIP LOCKED lets sweeps run side by side. `due` names the moment the message became due
 * (for the event id): a message handed over again, after its run was lost, gets a new one.
 *
 * The sweep never sends and never clears a live claim (only one that lapsed a grace ago), so it cannot cause a
 * double send: the claim in deliverMessage decides who sends.
 */
export async function claimDueMessages(now: Date, limit = 500): Promise<{ id: string; due: string }[]> {
  return withTransaction(async (client) => {
    const rows = await handOverDueMessages(
      client,
      now,
      limit,
      new Date(now.getTime() - SWEEP_GRACE_MS),
      new Date(now.getTime() - UNCLAIMED_GRACE_MS),
    );
    return rows.map((r) => ({ id: r.id, due: r.due.toISOString() }));
  });
}
