import type pg from "pg";
import { pgPool, withTransaction } from "../db/pool";
import { systemClock, type Clock } from "../runtime/clock";
import { reevaluateProfileSegments } from "../segments/membership";
import { loadProviderConfigs, type ProviderConfigs } from "./channel-config";
import { CHANNELS, type Channel, type RenderScope } from "./liquid";
import { renderIsolated } from "./render-pool";
import { consentDecision, describeCap, loadPolicy, quietHoursEnd, reachedCap, type ConsentStatus } from "./policy";
import { sendEmail, sendFcm, sendSms, sendWebPush } from "./providers";
import { twilioStatusCallbackUrl } from "./providers/sms-twilio";
import {
  ProviderError,
  type PushMessage,
  type SendContext,
  type SendResult,
  type WebPushSubscription,
} from "./providers/types";
import { renderAssetsAt, templateVersionAt } from "./templates";
import { messageLinks, publicBaseUrl, trackEmailHtml } from "./tracking";

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

interface MessageRow {
  id: string;
  workspaceId: string;
  profileId: string;
  journeyId: string | null;
  journeyVersionId: string | null;
  channel: Channel;
  templateId: string;
  status: string;
  idempotencyKey: string;
  context: { trigger?: { name?: string; properties?: Record<string, unknown> } };
  sendAfter: Date | null;
  claimedUntil: Date | null;
  attempts: number;
}

interface ProfileRow {
  id: string;
  userId: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  traits: Record<string, unknown>;
  pushTokens: { token: string; type: string }[];
}

/** What a claimed message goes out as: the provider call to make, and what is stored as "content as sent". */
type Send =
  | { provider: "smtp" | "outbox"; to: string; call: () => Promise<SendResult>; content: Record<string, unknown> }
  | { provider: "twilio"; to: string; call: () => Promise<SendResult>; content: Record<string, unknown> }
  | { provider: "push"; to: string; call: () => Promise<PushSendOutcome>; content: Record<string, unknown> }
  | { provider: "inbox"; to: string; content: Record<string, unknown> };

interface PushSendOutcome extends SendResult {
  deadTokens: string[];
}

/** Every device of the person is gone (expired subscriptions, unregistered tokens): each is suppressed. */
class DevicesGoneError extends ProviderError {
  constructor(
    message: string,
    readonly deadTokens: string[],
    providerCode?: string,
  ) {
    super(message, { retryable: false, permanentAddressFailure: true, providerCode });
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

type Decision = { kind: "finish"; result: DeliveryResult } | { kind: "send"; send: Send; attempt: number };

export async function recordMessageEvent(
  client: pg.PoolClient,
  messageId: string,
  workspaceId: string,
  type: string,
  at: Date,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await client.query(
    `INSERT INTO "MessageEvent" ("messageId", "workspaceId", type, at, detail) VALUES ($1, $2, $3, $4, $5)`,
    [messageId, workspaceId, type, at, JSON.stringify(detail)],
  );
}

async function finish(
  client: pg.PoolClient,
  message: MessageRow,
  status: "SUPPRESSED" | "FAILED" | "BOUNCED",
  reason: string,
  now: Date,
): Promise<DeliveryResult> {
  await client.query(
    `UPDATE "Message" SET status = $2::"MessageStatus", "statusReason" = $3, "claimedUntil" = NULL, "updatedAt" = $4 WHERE id = $1`,
    [message.id, status, reason, now],
  );
  await recordMessageEvent(client, message.id, message.workspaceId, status.toLowerCase(), now, { reason });
  return { outcome: status === "SUPPRESSED" ? "suppressed" : status === "FAILED" ? "failed" : "bounced", reason };
}

async function loadProfile(client: pg.PoolClient, profileId: string): Promise<ProfileRow | null> {
  // A person merged into another since the message was queued is that other person now.
  const { rows } = await client.query<ProfileRow>(
    `SELECT p.id, p."userId", p.email, p.phone, p.timezone, p.traits, p."pushTokens"
       FROM "Profile" r JOIN "Profile" p ON p.id = COALESCE(r."mergedIntoId", r.id) WHERE r.id = $1`,
    [profileId],
  );
  return rows[0] ?? null;
}

function normalizeAddress(channel: Channel, address: string): string {
  return channel === "email" ? address.trim().toLowerCase() : address.trim();
}

/** A push token that is a Web Push subscription (JSON with endpoint and keys), else null (an FCM registration token). */
export function isWebPushSubscription(token: string): WebPushSubscription | null {
  try {
    const parsed = JSON.parse(token) as WebPushSubscription;
    return typeof parsed?.endpoint === "string" &&
      typeof parsed.keys?.p256dh === "string" &&
      typeof parsed.keys?.auth === "string"
      ? parsed
      : null;
  } catch {
    return null;
  }
}

/** The push tokens a configured provider can reach: Web Push subscriptions need Web Push, other tokens FCM. */
export function reachableDevices(tokens: readonly string[], configs: ProviderConfigs): string[] {
  return tokens.filter((token) => (isWebPushSubscription(token) ? !!configs.web_push : !!configs.fcm));
}

/**
 * Sends one notification to every device, each through its provider (see reachableDevices), and reports what
 * each did: the first acceptance, how many accepted, and every provider refusal with its device. Anything
 * that is not a provider's answer is thrown.
 */
export async function pushToDevices(
  configs: ProviderConfigs,
  tokens: readonly string[],
  push: PushMessage,
  ctx: SendContext,
): Promise<{
  accepted: SendResult | null;
  acceptedCount: number;
  refusals: { token: string; error: ProviderError }[];
}> {
  let accepted: SendResult | null = null;
  let acceptedCount = 0;
  const refusals: { token: string; error: ProviderError }[] = [];
  for (const token of tokens) {
    const subscription = isWebPushSubscription(token);
    try {
      const result = subscription
        ? await sendWebPush(configs.web_push!, subscription, push, ctx)
        : await sendFcm(configs.fcm!, token, push, ctx);
      accepted ??= result;
      acceptedCount++;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      refusals.push({ token, error });
    }
  }
  return { accepted, acceptedCount, refusals };
}

/** The addresses a channel reaches for this person, or why there are none. */
function contactPoints(
  channel: Channel,
  profile: ProfileRow,
  configs: ProviderConfigs,
): { addresses: string[] } | { missing: string } {
  switch (channel) {
    case "email":
      if (!profile.email) return { missing: "No email address on the profile" };
      // an address that is there but unusable is named (the profile page flags it too: lib/profiles/data-issues.ts)
      return /^[^\s@]+@[^\s@]+$/.test(profile.email)
        ? { addresses: [profile.email] }
        : { missing: `The email address '${profile.email}' is not valid` };
    case "sms": {
      if (!profile.phone) return { missing: "No phone number on the profile" };
      // SMS providers need the international form; guessing a country code could text a stranger
      const phone = profile.phone.replace(/[\s().-]/g, "");
      return /^\+[1-9]\d{6,14}$/.test(phone)
        ? { addresses: [phone] }
        : {
            missing: `The profile's phone number ${profile.phone} is not in international form (+ and the country code, e.g. +15551234567)`,
          };
    }
    case "push": {
      const usable = reachableDevices(
        profile.pushTokens.map((t) => t.token),
        configs,
      );
      if (usable.length) return { addresses: usable };
      return {
        missing: profile.pushTokens.length
          ? "The profile's push tokens are for a provider this workspace hasn't configured (Settings → Channels)"
          : "No push token on the profile",
      };
    }
    case "in_app":
      return profile.userId
        ? { addresses: [profile.userId] }
        : { missing: "The in-app inbox needs a userId; this person is anonymous" };
  }
}

function buildScope(message: MessageRow, profile: ProfileRow, journeyName: string | null): RenderScope {
  const links = messageLinks(message.id);
  return {
    profile: {
      userId: profile.userId,
      email: profile.email,
      phone: profile.phone,
      timezone: profile.timezone,
      traits: profile.traits,
    },
    event: { name: message.context.trigger?.name ?? null, properties: message.context.trigger?.properties ?? {} },
    journey: { id: message.journeyId, name: journeyName },
    message: { id: message.id },
    unsubscribe_url: links.unsubscribe,
    preferences_url: links.preferences,
  };
}

/** The provider call for a rendered message. Returns a reason when the channel isn't set up. */
function prepareSend(
  message: MessageRow,
  fields: Record<string, string>,
  addresses: string[],
  configs: ProviderConfigs,
): Send | { notConfigured: string } {
  const ctx = { idempotencyKey: message.idempotencyKey, timeoutMs: 15_000 };
  switch (message.channel) {
    case "email": {
      const sender = configs.email;
      if (!sender) return { notConfigured: "Email isn't set up: configure an SMTP server in Settings → Channels" };
      const links = messageLinks(message.id);
      // the preheader is text placed into HTML: escaped, and inserted with a function so "$1" in it stays "$1"
      const preheader = fields.preheader
        ? `<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(fields.preheader)}</div>`
        : "";
      const html = trackEmailHtml(
        /<body[^>]*>/i.test(fields.html)
          ? fields.html.replace(/(<body[^>]*>)/i, (body) => body + preheader)
          : preheader + fields.html,
        links,
      );
      const headers = {
        "List-Unsubscribe": `<${links.oneClickUnsubscribe}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "X-Cairn-Workspace-Id": message.workspaceId,
        "X-Cairn-Message-Id": message.id,
      };
      const email = {
        from: sender.from,
        to: addresses[0],
        replyTo: sender.replyTo,
        subject: fields.subject,
        html,
        text: fields.text,
        headers,
      };
      return {
        provider: sender.mode === "embedded" ? "outbox" : "smtp",
        to: addresses[0],
        call: () => sendEmail(sender.smtp, email, ctx),
        content: {
          from: sender.from,
          to: addresses[0],
          replyTo: sender.replyTo ?? null,
          subject: fields.subject,
          preheader: fields.preheader ?? null,
          html,
          text: fields.text,
          headers,
        },
      };
    }
    case "sms": {
      const twilio = configs.sms;
      if (!twilio)
        return { notConfigured: "SMS isn't set up: configure a Twilio-compatible provider in Settings → Channels" };
      const statusCallbackUrl = twilioStatusCallbackUrl(publicBaseUrl(), message.workspaceId); // scoped: reports change only this workspace's messages
      return {
        provider: "twilio",
        to: addresses[0],
        call: () => sendSms({ ...twilio, statusCallbackUrl }, { to: addresses[0], body: fields.body }, ctx),
        content: { to: addresses[0], from: twilio.from, body: fields.body },
      };
    }
    case "push": {
      const push = {
        title: fields.title,
        body: fields.body,
        deepLink: fields.deepLink || undefined,
        imageUrl: fields.imageUrl || undefined,
        data: { cairnMessageId: message.id },
      };
      return {
        provider: "push",
        to: addresses.length === 1 ? "1 device" : `${addresses.length} devices`,
        content: { ...push, devices: addresses.length },
        call: async () => {
          // Every device of the person; the message counts as sent when one accepted it. Gone subscriptions
          // and unregistered tokens are reported so they are suppressed.
          const { accepted, refusals } = await pushToDevices(configs, addresses, push, ctx);
          const deadTokens = refusals.filter((r) => r.error.permanentAddressFailure).map((r) => r.token);
          let lastError: ProviderError | null = null;
          for (const { error } of refusals) if (!lastError || error.retryable) lastError = error;
          if (accepted)
            return {
              ...accepted,
              response:
                addresses.length > 1
                  ? `${accepted.response} (${addresses.length - deadTokens.length} of ${addresses.length} devices)`
                  : accepted.response,
              deadTokens,
            };
          if (lastError && deadTokens.length === addresses.length)
            throw new DevicesGoneError(lastError.message, deadTokens, lastError.providerCode);
          throw lastError ?? new ProviderError("No device accepted the notification", { retryable: true });
        },
      };
    }
    case "in_app": {
      // An http(s) call to action goes through the signed click redirect, so a tap is recorded like an
      // email click (message event and profile event); an app's own scheme (myapp://…) cannot be redirected
      // to from the web and stays as written.
      const url = fields["cta.url"];
      const cta = fields["cta.label"]
        ? {
            label: fields["cta.label"],
            url: /^https?:\/\//i.test(url ?? "") ? messageLinks(message.id).click(url) : url,
          }
        : null;
      return { provider: "inbox", to: addresses[0], content: { title: fields.title, body: fields.body, cta } };
    }
  }
}

const MESSAGE_COLUMNS = `id, "workspaceId", "profileId", "journeyId", "journeyVersionId", channel, "templateId", status::text, "idempotencyKey", context, "sendAfter", "claimedUntil", attempts`;

/** What the checks read besides the message, loaded before the transaction (embedded Postgres serves one transaction at a time, so nothing may wait on a second connection inside one). */
async function loadSettings(message: MessageRow, now: Date) {
  const [policy, configs, journey] = await Promise.all([
    loadPolicy(message.workspaceId),
    loadProviderConfigs(message.workspaceId),
    pgPool()
      .query<{ name: string | null; publishedAt: Date | null }>(
        `SELECT j.name, v."publishedAt" FROM (SELECT 1) one LEFT JOIN "Journey" j ON j.id = $1 LEFT JOIN "JourneyVersion" v ON v.id = $2`,
        [message.journeyId, message.journeyVersionId],
      )
      .then((r) => r.rows[0]),
  ]);
  const publishedAt = journey?.publishedAt ?? now;
  const template = await templateVersionAt(message.workspaceId, message.templateId, publishedAt);
  // partials and the layout as they were when the journey version was published, like the template
  const assets = template
    ? await renderAssetsAt(message.workspaceId, publishedAt, (template.content as { layoutId?: string }).layoutId)
    : {};
  return { policy, configs, journeyName: journey?.name ?? null, template, assets };
}

/** Phase 1, in one transaction: checks, render, and the claim (or the message's final state). */
async function decide(messageId: string, now: Date): Promise<Decision> {
  const { rows: peek } = await pgPool().query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM "Message" WHERE id = $1`, [
    messageId,
  ]);
  if (!peek[0]) return { kind: "finish", result: { outcome: "done", status: "MISSING" } };
  if (peek[0].status !== "QUEUED") return { kind: "finish", result: { outcome: "done", status: peek[0].status } };
  const { policy, configs, journeyName, template, assets } = await loadSettings(peek[0], now);

  return withTransaction(async (client) => {
    const { rows } = await client.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM "Message" WHERE id = $1 FOR UPDATE`,
      [messageId],
    );
    const message = rows[0];
    if (!message) return { kind: "finish", result: { outcome: "done", status: "MISSING" } };
    if (message.status !== "QUEUED") return { kind: "finish", result: { outcome: "done", status: message.status } };
    if (message.claimedUntil && message.claimedUntil > now)
      return {
        kind: "finish",
        result: { outcome: "busy", retryAfterMs: message.claimedUntil.getTime() - now.getTime() },
      };
    if (message.sendAfter && message.sendAfter > now)
      return {
        kind: "finish",
        result: {
          outcome: "delayed",
          until: message.sendAfter.toISOString(),
          reason: message.attempts
            ? "waiting for the end of quiet hours or a retry's backoff"
            : "waiting for the end of quiet hours",
          afterAttempt: message.attempts > 0,
        },
      };
    if (!(CHANNELS as readonly string[]).includes(message.channel))
      return {
        kind: "finish",
        result: await finish(client, message, "FAILED", `Unknown channel "${message.channel}"`, now),
      };

    const profile = await loadProfile(client, message.profileId);
    if (!profile)
      return { kind: "finish", result: await finish(client, message, "FAILED", "The profile no longer exists", now) };

    // 1. a contact point
    const points = contactPoints(message.channel, profile, configs);
    if ("missing" in points)
      return { kind: "finish", result: await finish(client, message, "SUPPRESSED", points.missing, now) };

    // 2. never to a suppressed address
    const { rows: suppressed } = await client.query<{ address: string; reason: string }>(
      `SELECT address, reason FROM "Suppression" WHERE "workspaceId" = $1 AND channel = $2 AND address = ANY($3::text[])`,
      [message.workspaceId, message.channel, points.addresses.map((a) => normalizeAddress(message.channel, a))],
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

    // 3. consent
    const { rows: consentRows } = await client.query<{ status: ConsentStatus }>(
      `SELECT status FROM "ChannelConsent" WHERE "profileId" = $1 AND channel = $2`,
      [profile.id, message.channel],
    );
    const consent = consentDecision(
      message.channel,
      consentRows[0]?.status ?? null,
      profile.traits,
      policy.requireOptIn,
    );
    if (!consent.allowed)
      return { kind: "finish", result: await finish(client, message, "SUPPRESSED", consent.reason, now) };

    // 4. quiet hours: wait, don't drop
    const quietEnd = quietHoursEnd(policy.quietHours, message.channel, now, profile.timezone);
    if (quietEnd) {
      const reason = `Quiet hours ${policy.quietHours!.start}–${policy.quietHours!.end} in ${profile.timezone ?? policy.quietHours!.fallbackTimeZone}`;
      await client.query(`UPDATE "Message" SET "sendAfter" = $2, "updatedAt" = $3 WHERE id = $1`, [
        message.id,
        quietEnd,
        now,
      ]);
      await recordMessageEvent(client, message.id, message.workspaceId, "delayed", now, {
        reason,
        until: quietEnd.toISOString(),
      });
      return {
        kind: "finish",
        result: { outcome: "delayed", until: quietEnd.toISOString(), reason, afterAttempt: message.attempts > 0 },
      };
    }

    // 5. frequency caps, under a lock per (person, channel) held until the claim commits
    const caps = policy.frequencyCaps.filter((c) => c.channel === message.channel);
    if (caps.length) {
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7302))`, [
        `${profile.id}:${message.channel}`,
      ]);
      const longest = Math.max(...caps.map((c) => c.hours));
      const { rows: recent } = await client.query<{ at: Date }>(
        `SELECT COALESCE("sentAt", $4) AS at FROM "Message"
          WHERE "profileId" = ANY($1::uuid[]) AND channel = $2 AND id <> $3
            AND ("sentAt" > $5 OR (status = 'QUEUED' AND "claimedUntil" > $4))`,
        [
          [...new Set([profile.id, message.profileId])],
          message.channel,
          message.id,
          now,
          new Date(now.getTime() - longest * 3_600_000),
        ],
      );
      const hit = reachedCap(
        caps,
        message.channel,
        (hours) => recent.filter((r) => r.at.getTime() > now.getTime() - hours * 3_600_000).length,
      );
      if (hit)
        return {
          kind: "finish",
          result: await finish(
            client,
            message,
            "SUPPRESSED",
            `Frequency cap: ${describeCap(hit.cap)} (${hit.count} already)`,
            now,
          ),
        };
    }

    // 6. render the template version the journey version was published with; never send half a message
    if (!template)
      return {
        kind: "finish",
        result: await finish(
          client,
          message,
          "FAILED",
          "The template has no version saved before this journey version was published",
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
    const rendered = await renderIsolated(
      message.channel,
      template.content,
      buildScope(message, profile, journeyName),
      assets,
    );
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
    await client.query(
      `UPDATE "Message" SET "claimedUntil" = $2, attempts = attempts + 1, "templateVersion" = $3, "to" = $4, content = $5, provider = $6, "sendAfter" = NULL, "updatedAt" = $7 WHERE id = $1`,
      [
        message.id,
        new Date(now.getTime() + CLAIM_MS),
        template.version,
        send.to,
        JSON.stringify(send.content),
        send.provider,
        now,
      ],
    );
    return { kind: "send", send, attempt: message.attempts + 1 };
  });
}

/** Delivers one message (see the file's comment). `clock` is read before the checks and again after the provider call. */
export async function deliverMessage(messageId: string, clock: Clock = systemClock): Promise<DeliveryResult> {
  const decision = await decide(messageId, clock());
  if (decision.kind === "finish") return decision.result;
  const { send, attempt } = decision;

  if (send.provider === "inbox") {
    return withTransaction(async (client) => {
      const now = clock();
      const { rows } = await client.query<{ workspaceId: string }>(
        `UPDATE "Message" SET status = 'DELIVERED', "sentAt" = $2, "deliveredAt" = $2, "claimedUntil" = NULL, "updatedAt" = $2 WHERE id = $1 AND status = 'QUEUED' RETURNING "workspaceId"`,
        [messageId, now],
      );
      if (rows[0])
        await recordMessageEvent(client, messageId, rows[0].workspaceId, "delivered", now, {
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
    const { rows } = await client.query<{ workspaceId: string; channel: Channel }>(
      `UPDATE "Message" SET status = CASE WHEN status = 'DELIVERED' THEN status ELSE 'SENT' END, "sentAt" = $2,
              "providerMessageId" = $3, "claimedUntil" = NULL, "statusReason" = NULL, "updatedAt" = $4
        WHERE id = $1 AND (status = 'QUEUED' OR (status = 'DELIVERED' AND "providerMessageId" IS NULL)) RETURNING "workspaceId", channel`,
      [messageId, callStartedAt, result.providerMessageId, now],
    );
    if (rows[0]) {
      await recordMessageEvent(client, messageId, rows[0].workspaceId, "sent", callStartedAt, {
        provider: send.provider,
        to: send.to,
        response: result.response,
        attempt,
      });
      if (result.deadTokens?.length)
        await suppress(
          client,
          rows[0].workspaceId,
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
    const { rows } = await client.query<MessageRow>(
      `SELECT id, "workspaceId", channel, status::text FROM "Message" WHERE id = $1 FOR UPDATE`,
      [messageId],
    );
    const message = rows[0];
    if (!message || message.status !== "QUEUED")
      return { outcome: "done", status: message?.status ?? "MISSING" } as DeliveryResult;
    const reason = `${send.provider === "outbox" ? "The embedded SMTP server" : "The provider"} answered: ${error.message}`;
    if (error.retryable && attempt < MAX_ATTEMPTS) {
      // The next attempt is due after the backoff, and recorded as due: the due sweep hands the message
      // back then even if the run that should retry it is lost (otherwise it would stay QUEUED for good).
      const retryAt = new Date(now.getTime() + retryBackoffMs(attempt));
      await client.query(
        `UPDATE "Message" SET "claimedUntil" = NULL, "sendAfter" = $4, "statusReason" = $2, "updatedAt" = $3 WHERE id = $1`,
        [messageId, reason, now, retryAt],
      );
      await recordMessageEvent(client, messageId, message.workspaceId, "retry", now, {
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

/** Adds addresses to the workspace's suppression list (an address already there keeps its first reason). */
export async function suppress(
  client: pg.PoolClient,
  workspaceId: string,
  channel: Channel,
  addresses: string[],
  reason: string,
  detail: string,
  messageId: string | null,
  now: Date,
): Promise<void> {
  if (!addresses.length) return;
  await client.query(
    `INSERT INTO "Suppression" ("workspaceId", channel, address, reason, detail, "messageId", "createdAt")
     SELECT $1, $2, a, $4, $5, $6, $7 FROM unnest($3::text[]) AS a ON CONFLICT DO NOTHING`,
    [workspaceId, channel, addresses.map((a) => normalizeAddress(channel, a)), reason, detail, messageId, now],
  );
  // Reachability segments read suppressions, and nothing else would tell them (no event, and the clock never
  // changes a suppression): re-check the message's person now, in this transaction. The entries and exits are
  // announced by the segment-checks sweep.
  if (messageId) {
    const { rows } = await client.query<{ profileId: string }>(`SELECT "profileId" FROM "Message" WHERE id = $1`, [
      messageId,
    ]);
    await reevaluateProfileSegments(
      client,
      workspaceId,
      rows.map((r) => r.profileId),
      now,
    );
  }
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
    const { rows } = await client.query<{ id: string; due: Date }>(
      `WITH due AS (
         SELECT id, COALESCE("sendAfter", "claimedUntil", "updatedAt") AS due FROM "Message"
          WHERE status = 'QUEUED' AND (("sendAfter" <= $1 AND attempts = 0) OR "sendAfter" <= $3 OR "claimedUntil" < $3
                OR ("sendAfter" IS NULL AND "claimedUntil" IS NULL AND "updatedAt" < $4))
          ORDER BY 2 LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE "Message" m SET "sendAfter" = NULL, "claimedUntil" = NULL, "updatedAt" = $1 FROM due WHERE m.id = due.id RETURNING m.id, due.due`,
      [now, limit, new Date(now.getTime() - SWEEP_GRACE_MS), new Date(now.getTime() - UNCLAIMED_GRACE_MS)],
    );
    return rows.map((r) => ({ id: r.id, due: r.due.toISOString() }));
  });
}
