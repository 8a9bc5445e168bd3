import type pg from "pg";
import { withTransaction } from "../../db/pool";
import { CLAIM_MS } from "../../messaging/delivery";
import { CHANNELS, type Channel } from "../../messaging/liquid";
import { consentDecision, describeCap, quietHoursEnd, reachedCap } from "../../messaging/policy";
import { contactPoints } from "../../messaging/prepare-send";
import type { Recipient } from "../../messaging/store/recipients";
import { selectSuppressions } from "../../messaging/store/suppressions";
import { normalizeAddress } from "../../messaging/suppressions";
import { topicRefusals } from "../../topics/topic-consent";
import type { SendContext } from "./load-send-context";
import {
  type ClaimedMessage,
  claimDueBroadcastMessages,
  delayMessages,
  finishMessages,
  insertMessageEvents,
  lockPeopleOnChannel,
  selectConsentStatuses,
  selectRecentSends,
  selectRecipients,
} from "./store/sender";

/**
 * A batch's first phase, in one transaction: claim up to `limit` due messages of the broadcast, run delivery's
 * checks for all of them with a handful of reads (the people, following merges; their suppressions, consent and
 * recent sends), and end or delay the ones the checks stop, with their timeline entries. The same checks, order
 * and words as lib/messaging/delivery.ts's one-message path: contact point, suppression list, the topic, consent,
 * quiet hours (a wait, not a drop), frequency caps.
 *
 * Caps: the claim and the cap reads share the transaction and, when the channel has caps, the advisory lock of
 * each (person, channel) that a journey's delivery takes too. Whoever locks first commits its claim before the
 * other reads, so of two senders racing for a person's last slot exactly one counts the other's message; a
 * message the cap stops is ended in the same transaction, so no one ever counts it.
 */

export interface CheckedMessage {
  message: ClaimedMessage & { profileId: string };
  profile: Recipient;
  addresses: string[];
}

export interface CheckedBatch {
  claimed: number;
  ready: CheckedMessage[];
  suppressed: number;
  failed: number;
  delayed: number;
  /** ended by something else between the claim and the write (a cancel) */
  skipped: number;
}

type Stop = { id: string; status: "SUPPRESSED" | "FAILED"; reason: string };

export async function claimAndCheck(context: SendContext, now: Date, limit: number): Promise<CheckedBatch> {
  const { broadcast, policy, configs } = context;
  return withTransaction(async (client) => {
    const claimed = await claimDueBroadcastMessages(
      client,
      broadcast.id,
      now,
      new Date(now.getTime() + CLAIM_MS),
      limit,
    );
    const result: CheckedBatch = {
      claimed: claimed.length,
      ready: [],
      suppressed: 0,
      failed: 0,
      delayed: 0,
      skipped: 0,
    };
    if (!claimed.length) return result;

    const stops: Stop[] = [];
    const delays: { id: string; until: Date; reason: string }[] = [];
    const profileIds = [...new Set(claimed.flatMap((m) => (m.profileId ? [m.profileId] : [])))];
    const people = await selectRecipients(client, profileIds);

    // 1. a known channel, a person, and a contact point
    let candidates: CheckedMessage[] = [];
    // A webhook is not a person's channel: it goes to the broadcast's URL, so no contact point, suppression,
    // consent, quiet hours or frequency cap applies; the person only has to exist (lib/broadcasts/send/webhook-send.ts).
    const webhooks: CheckedMessage[] = [];
    for (const message of claimed) {
      const webhook = (message.channel as string) === "webhook";
      if (!webhook && !(CHANNELS as readonly string[]).includes(message.channel)) {
        stops.push({ id: message.id, status: "FAILED", reason: `Unknown channel "${message.channel}"` });
        continue;
      }
      const profile = message.profileId ? people.get(message.profileId) : undefined;
      if (!profile || !message.profileId) {
        stops.push({ id: message.id, status: "FAILED", reason: "The profile no longer exists" });
        continue;
      }
      if (webhook) {
        webhooks.push({ message: { ...message, profileId: message.profileId }, profile, addresses: [] });
        continue;
      }
      const points = contactPoints(message.channel, profile, configs);
      if ("missing" in points) stops.push({ id: message.id, status: "SUPPRESSED", reason: points.missing });
      else
        candidates.push({
          message: { ...message, profileId: message.profileId },
          profile,
          addresses: points.addresses,
        });
    }

    // 2. never to a suppressed address; 2b. the people's choices for the topic; 3. consent
    candidates = await dropSuppressed(client, broadcast.workspaceId, candidates, stops);
    candidates = await dropUnsubscribedFromTopic(client, candidates, stops);
    const consents = await selectConsentStatuses(
      client,
      [...new Set(candidates.map((c) => c.profile.id))],
      broadcast.channel,
    );
    candidates = candidates.filter((c) => {
      const consent = consentDecision(
        c.message.channel,
        consents.get(c.profile.id) ?? null,
        c.profile.traits,
        policy.requireOptIn,
      );
      if (!consent.allowed) stops.push({ id: c.message.id, status: "SUPPRESSED", reason: consent.reason });
      return consent.allowed;
    });

    // 4. quiet hours: wait, don't drop
    candidates = candidates.filter((c) => {
      const end = quietHoursEnd(policy.quietHours, c.message.channel, now, c.profile.timezone);
      if (!end) return true;
      const quiet = policy.quietHours!;
      delays.push({
        id: c.message.id,
        until: end,
        reason: `Quiet hours ${quiet.start}–${quiet.end} in ${c.profile.timezone ?? quiet.fallbackTimeZone}`,
      });
      return false;
    });

    // 5. frequency caps, under the people's locks until this transaction commits
    candidates = await dropCapped(client, context, candidates, claimed, now, stops);

    const ended = new Set(await finishMessages(client, stops, now));
    const held = new Set(
      await delayMessages(
        client,
        delays.map(({ id, until }) => ({ id, until })),
        now,
      ),
    );
    await insertMessageEvents(client, broadcast.workspaceId, [
      ...stops
        .filter((s) => ended.has(s.id))
        .map((s) => ({ messageId: s.id, type: s.status.toLowerCase(), at: now, detail: { reason: s.reason } })),
      ...delays
        .filter((d) => held.has(d.id))
        .map((d) => ({
          messageId: d.id,
          type: "delayed",
          at: now,
          detail: { reason: d.reason, until: d.until.toISOString() },
        })),
    ]);
    result.ready = [...webhooks, ...candidates];
    result.suppressed = stops.filter((s) => s.status === "SUPPRESSED" && ended.has(s.id)).length;
    result.failed = stops.filter((s) => s.status === "FAILED" && ended.has(s.id)).length;
    result.delayed = held.size;
    result.skipped = stops.length + delays.length - ended.size - held.size;
    return result;
  });
}

async function dropSuppressed(
  client: pg.PoolClient,
  workspaceId: string,
  candidates: CheckedMessage[],
  stops: Stop[],
): Promise<CheckedMessage[]> {
  if (!candidates.length) return candidates;
  const channel = candidates[0].message.channel;
  const normalized = [...new Set(candidates.flatMap((c) => c.addresses.map((a) => normalizeAddress(channel, a))))];
  const listed = new Map(
    (await selectSuppressions(client, workspaceId, channel, normalized)).map((s) => [s.address, s.reason]),
  );
  if (!listed.size) return candidates;
  const kept: CheckedMessage[] = [];
  for (const c of candidates) {
    const deliverable = c.addresses.filter((a) => !listed.has(normalizeAddress(channel, a)));
    if (deliverable.length) {
      kept.push({ ...c, addresses: deliverable });
      continue;
    }
    const first = normalizeAddress(channel, c.addresses[0]);
    stops.push({
      id: c.message.id,
      status: "SUPPRESSED",
      reason: `${channel === "push" ? "Every device" : first} is on the suppression list (${listed.get(first)})`,
    });
  }
  return kept;
}

/**
 * Delivery's topic check for the batch: one read for all its people per topic (a broadcast's messages share one),
 * taken from the messages as delivery takes it.
 */
async function dropUnsubscribedFromTopic(
  client: pg.PoolClient,
  candidates: CheckedMessage[],
  stops: Stop[],
): Promise<CheckedMessage[]> {
  const topicIds = [...new Set(candidates.flatMap((c) => (c.message.topicId ? [c.message.topicId] : [])))];
  if (!topicIds.length) return candidates;
  const refusals = new Map<string, Map<string, string>>();
  for (const topicId of topicIds)
    refusals.set(
      topicId,
      await topicRefusals(
        client,
        topicId,
        candidates.filter((c) => c.message.topicId === topicId).map((c) => c.profile.id),
      ),
    );
  return candidates.filter((c) => {
    const reason = c.message.topicId ? refusals.get(c.message.topicId)?.get(c.profile.id) : undefined;
    if (reason) stops.push({ id: c.message.id, status: "SUPPRESSED", reason });
    return !reason;
  });
}

async function dropCapped(
  client: pg.PoolClient,
  context: SendContext,
  candidates: CheckedMessage[],
  claimed: ClaimedMessage[],
  now: Date,
  stops: Stop[],
): Promise<CheckedMessage[]> {
  const channel = context.broadcast.channel as Channel;
  const caps = context.policy.frequencyCaps.filter((c) => c.channel === channel);
  if (!caps.length || !candidates.length) return candidates;
  const people = [...new Set(candidates.map((c) => c.profile.id))];
  await lockPeopleOnChannel(client, people, channel);
  const longest = Math.max(...caps.map((c) => c.hours));
  const asked = [...new Set(candidates.flatMap((c) => [c.profile.id, c.message.profileId]))];
  const recent = await selectRecentSends(
    client,
    asked,
    channel,
    claimed.map((m) => m.id),
    now,
    new Date(now.getTime() - longest * 3_600_000),
  );
  const sendsOf = new Map<string, Date[]>();
  for (const r of recent) sendsOf.set(r.profileId, [...(sendsOf.get(r.profileId) ?? []), r.at]);
  // a person twice in the batch (two profiles merged since the audience was read): the first one counts too
  const passedInBatch = new Map<string, number>();
  return candidates.filter((c) => {
    const times = [
      ...(sendsOf.get(c.profile.id) ?? []),
      ...(c.message.profileId === c.profile.id ? [] : (sendsOf.get(c.message.profileId) ?? [])),
    ];
    const earlier = passedInBatch.get(c.profile.id) ?? 0;
    const hit = reachedCap(
      caps,
      channel,
      (hours) => earlier + times.filter((at) => at.getTime() > now.getTime() - hours * 3_600_000).length,
    );
    if (hit) {
      stops.push({
        id: c.message.id,
        status: "SUPPRESSED",
        reason: `Frequency cap: ${describeCap(hit.cap)} (${hit.count} already)`,
      });
      return false;
    }
    passedInBatch.set(c.profile.id, earlier + 1);
    return true;
  });
}
