import { z } from "zod";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { pgPool } from "../db/pool";
import { isValidTimeZone, localParts } from "../engine/time";
import { parseInput } from "../errors";
import { recordAudit } from "../audit/audit-log";
import { ReadCache } from "../runtime/read-cache";
import { startRecompute } from "../segments/start-recompute";
import { CHANNELS, type Channel } from "./liquid";
import { selectSegmentsReadingReachability } from "./store/policy";

/**
 * The workspace's delivery rules, applied to every message whatever journey sent it:
 *   - frequency caps: at most N messages of a channel per person in any window of H hours (Braze's "global
 *     frequency capping"); a message over the cap is suppressed with the cap as its reason;
 *   - quiet hours: between start and end in the person's time zone (the workspace's fallback zone when the
 *     profile has none) a message waits until the end, it is never dropped;
 *   - consent: channels listed in `requireOptIn` only reach people who opted in; every channel skips people
 *     who unsubscribed.
 */
const ZTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day as HH:MM, e.g. 21:00");
const ZChannel = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` });

export const ZMessagingPolicy = z
  .object({
    frequencyCaps: z
      .array(
        z
          .object({
            channel: ZChannel,
            limit: z
              .number({ error: "must be a number" })
              .int("must be a whole number")
              .min(1, "must be at least 1")
              .max(1000, "must be at most 1,000"),
            hours: z
              .number({ error: "must be a number" })
              .int("must be a whole number")
              .min(1, "must be at least 1 hour")
              .max(24 * 30, "must be at most 720 hours (30 days)"),
          })
          .strict(),
      )
      .max(20, "at most 20 caps")
      .default([]),
    quietHours: z
      .object({
        start: ZTime,
        end: ZTime,
        channels: z.array(ZChannel).min(1, "choose at least one channel").default(["email", "sms", "push"]),
        /** for people without a time zone */
        fallbackTimeZone: z
          .string()
          .default("UTC")
          .refine((zone) => isValidTimeZone(zone), "must be an IANA time zone, e.g. Europe/Paris"),
      })
      .strict()
      .refine((q) => q.start !== q.end, { message: "start and end must differ", path: ["end"] })
      .nullable()
      .default(null),
    requireOptIn: z.array(ZChannel).default([]),
  })
  .strict();
export type MessagingPolicy = z.output<typeof ZMessagingPolicy>;
export type FrequencyCap = MessagingPolicy["frequencyCaps"][number];
export type QuietHours = NonNullable<MessagingPolicy["quietHours"]>;

export const DEFAULT_POLICY: MessagingPolicy = { frequencyCaps: [], quietHours: null, requireOptIn: [] };

/**
 * How long an instance may go on applying a workspace's policy after another instance saved a new one (the saving
 * instance drops its own entry at once). Every marketing delivery reads it.
 */
export const POLICY_TTL_MS = 5_000;
const policies = new ReadCache<string, MessagingPolicy>({ maxEntries: 10_000, ttlMs: POLICY_TTL_MS });

/**
 * The policy delivery applies (no row: no caps, no quiet hours, no opt-in requirement), cached in this process for
 * up to POLICY_TTL_MS (shared: do not change it). `now` (ms) judges the cache entry fresh.
 */
export function loadPolicy(workspaceId: string, now: number = Date.now()): Promise<MessagingPolicy> {
  return policies.get(workspaceId, () => readPolicy(workspaceId), now);
}

/** The policy as stored now (what Settings shows and a save compares with). */
async function readPolicy(workspaceId: string): Promise<MessagingPolicy> {
  const row = await db().messagingPolicy.findUnique({ where: { workspaceId } });
  if (!row) return DEFAULT_POLICY;
  return ZMessagingPolicy.parse({
    frequencyCaps: row.frequencyCaps,
    quietHours: row.quietHours ?? null,
    requireOptIn: row.requireOptIn,
  });
}

export async function getPolicy(ctx: WorkspaceContext): Promise<MessagingPolicy> {
  requirePermission(ctx, "workspace:read");
  return readPolicy(ctx.workspace.id);
}

export async function savePolicy(ctx: WorkspaceContext, input: unknown): Promise<MessagingPolicy> {
  requirePermission(ctx, "settings:manage");
  const policy = parseInput(ZMessagingPolicy, input);
  const data = {
    frequencyCaps: policy.frequencyCaps,
    quietHours: policy.quietHours ?? Prisma.DbNull,
    requireOptIn: policy.requireOptIn,
    updatedByLabel: actorLabel(ctx.actor),
    updatedAt: new Date(),
  };
  const previous = await readPolicy(ctx.workspace.id);
  await db().$transaction(async (tx) => {
    await tx.messagingPolicy.upsert({
      where: { workspaceId: ctx.workspace.id },
      create: { workspaceId: ctx.workspace.id, ...data },
      update: data,
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "messaging_policy.updated",
      targetType: "workspace",
      targetId: ctx.workspace.id,
      summary: describePolicy(policy),
    });
  });
  policies.delete(ctx.workspace.id);
  // Requiring opt-in (or no longer) changes who is reachable for everyone at once: recompute the segments that
  // test reachability, directly or through another segment.
  if ([...previous.requireOptIn].sort().join() !== [...policy.requireOptIn].sort().join()) {
    await startRecompute(await selectSegmentsReadingReachability(pgPool(), ctx.workspace.id));
  }
  return policy;
}

const CHANNEL_NOUN: Record<Channel, [string, string]> = {
  email: ["email", "emails"],
  sms: ["SMS", "SMS"],
  push: ["push notification", "push notifications"],
  in_app: ["in-app message", "in-app messages"],
};

export function describeCap(cap: FrequencyCap): string {
  const noun = CHANNEL_NOUN[cap.channel][cap.limit === 1 ? 0 : 1];
  const window =
    cap.hours % 24 === 0
      ? cap.hours === 24
        ? "day"
        : `${cap.hours / 24} days`
      : cap.hours === 1
        ? "hour"
        : `${cap.hours} hours`;
  return `at most ${cap.limit} ${noun} per ${window}`;
}

export function describePolicy(policy: MessagingPolicy): string {
  const parts = [
    policy.frequencyCaps.length ? `caps: ${policy.frequencyCaps.map(describeCap).join(", ")}` : "no frequency caps",
    policy.quietHours
      ? `quiet hours ${policy.quietHours.start}–${policy.quietHours.end} for ${policy.quietHours.channels.join(", ")}`
      : "no quiet hours",
    policy.requireOptIn.length ? `opt-in required for ${policy.requireOptIn.join(", ")}` : "no opt-in requirement",
  ];
  return `Messaging rules: ${parts.join("; ")}`;
}

// ---------------------------------------------------------------------------------------------------------
// Pure decisions, tested with a controllable clock.

function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return h * 60 + m;
}

/** The zone's offset from UTC at an instant, in ms (Paris in summer: +2 h). */
function offsetAt(instantMs: number, zone: string): number {
  const p = localParts(new Date(instantMs), zone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instantMs / 1000) * 1000;
}

/**
 * When quiet hours apply to `channel` at `now` in `timeZone`, the moment they end; otherwise null.
 * Windows may wrap midnight (21:00–08:00). The end is a wall-clock time, so DST changes are respected:
 * on the night clocks go back the end comes an hour later in elapsed time (and when the end is a time
 * that happens twice, a person already in the second pass waits for the second, not for tomorrow's); on
 * the night they go forward it comes an hour sooner, and when the clocks skip over the end, the window
 * ends when they jump.
 */
export function quietHoursEnd(
  quiet: QuietHours | null,
  channel: Channel,
  now: Date,
  timeZone: string | null,
): Date | null {
  if (!quiet || !quiet.channels.includes(channel)) return null;
  const zone = isValidTimeZone(timeZone) ? timeZone : quiet.fallbackTimeZone;
  const local = localParts(now, zone);
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  // Wall-clock minutes left, laid on elapsed time from the start of the current minute…
  const from = Math.floor(now.getTime() / 60_000) * 60_000;
  const naive = from + ((end - minute + 1440) % 1440) * 60_000;
  const shift = offsetAt(naive, zone) - offsetAt(from, zone);
  if (shift === 0) return new Date(naive);
  // …then corrected by the DST change in between (at most one in a day).
  if (shift < 0) return new Date(naive - shift);
  let before = from;
  let after = naive;
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (offsetAt(middle, zone) === offsetAt(from, zone)) before = middle;
    else after = middle;
  }
  return new Date(Math.max(naive - shift, after));
}

export type ConsentStatus = "opted_in" | "subscribed" | "unsubscribed";

/** Braze-style subscription traits: `email_subscribe: "opted_in" | "subscribed" | "unsubscribed"`. */
export function consentFromTraits(channel: Channel, traits: Record<string, unknown>): ConsentStatus | null {
  const value = traits[`${channel}_subscribe`];
  if (value === "opted_in" || value === "subscribed" || value === "unsubscribed") return value;
  if (value === true) return "opted_in";
  if (value === false) return "unsubscribed";
  return null;
}

/**
 * Whether a person may receive `channel`, and if not, why. A consent record (preference page, unsubscribe
 * link, API) wins over the trait; without either, people are subscribed unless the channel needs opt-in.
 */
export function consentDecision(
  channel: Channel,
  record: ConsentStatus | null,
  traits: Record<string, unknown>,
  requireOptIn: readonly Channel[],
): { allowed: true } | { allowed: false; reason: string } {
  const status = record ?? consentFromTraits(channel, traits);
  const noun = CHANNEL_NOUN[channel][1];
  if (status === "unsubscribed")
    return { allowed: false, reason: `Unsubscribed from ${noun}${record ? "" : ` (trait ${channel}_subscribe)`}` };
  if (requireOptIn.includes(channel) && status !== "opted_in")
    return { allowed: false, reason: `No opt-in for ${noun}: this workspace requires explicit opt-in` };
  return { allowed: true };
}

/** The first cap the person has reached, given how many messages of the channel they got in each cap's window. */
export function reachedCap(
  caps: readonly FrequencyCap[],
  channel: Channel,
  sentInWindow: (hours: number) => number,
): { cap: FrequencyCap; count: number } | null {
  for (const cap of caps) {
    if (cap.channel !== channel) continue;
    const count = sentInWindow(cap.hours);
    if (count >= cap.limit) return { cap, count };
  }
  return null;
}
