import { createHash } from "node:crypto";
import type pg from "pg";
import { pgPool, withTransaction } from "../db/pool";
import { AppError } from "../errors";
import { afterIngest } from "../ingest/after-ingest";
import type { NormalizedEvent } from "../ingest/normalize";
import { storeBatch } from "../ingest/store-batch";
import { systemClock, type Clock } from "../runtime/clock";
import { reevaluateProfileSegments } from "../segments/membership";
import { CHANNELS, type Channel } from "./liquid";
import { consentDecision } from "./policy";
import { selectConsents, selectRequireOptIn, upsertConsent } from "./store/consent";
import {
  type LinkedMessage,
  lockLinkedMessage,
  markClicked,
  markFirstOpen,
  selectPreferenceTarget,
} from "./store/engagement";
import { insertMessageEvent } from "./store/message-events";
import { selectAddressableIdentity, selectCurrentProfileId } from "./store/recipients";
import { verifyLink } from "./tracking";

/**
 * What people do with the messages they receive: opens, clicks, unsubscribes and preference changes,
 * each arriving through a signed link (tracking.ts). Each is recorded twice: on the message (its
 * timeline and the counts on the canvas) and as an event on the person's profile ("Email Opened",
 * "Email Link Clicked", "Unsubscribed", the names of Segment's email spec), stored through ingestion so
 * journeys can wait for them and goals can count them. The profile events have deterministic message ids,
 * so a second open or a repeated click does not make a second event.
 */
export type { LinkedMessage };

export const CHANNEL_EVENT_PREFIX: Record<Channel, string> = {
  email: "Email",
  sms: "SMS",
  push: "Push Notification",
  in_app: "In-App Message",
};

/** Stores an event on the message's person through ingestion (so it reaches journeys like any other). */
export async function recordProfileEvent(
  message: LinkedMessage,
  name: string,
  dedupeKey: string,
  properties: Record<string, unknown>,
  at: Date,
): Promise<void> {
  const identity = await selectAddressableIdentity(pgPool(), message.profileId);
  if (!identity) return; // a person without any id cannot be addressed by an event
  const event: NormalizedEvent = {
    messageId: `cairn-${dedupeKey}`,
    type: "track",
    name,
    userId: identity.kind === "user" ? identity.value : null,
    anonymousId: identity.kind === "user" ? null : identity.value,
    previousId: null,
    properties: {
      messageId: message.id,
      channel: message.channel,
      journeyId: message.journeyId,
      templateId: message.templateId,
      ...properties,
    },
    traits: null,
    context: { library: { name: "cairn-messaging" } },
    timestamp: at,
    originalTimestamp: at,
    sentAt: null,
    receivedAt: at,
  };
  const stored = await storeBatch(message.workspaceId, [event], "messaging");
  if (stored.stored) afterIngest();
}

export async function recordOpen(token: string, clock: Clock = systemClock): Promise<boolean> {
  const messageId = verifyLink("open", token);
  if (!messageId) return false;
  const now = clock();
  const first = await withTransaction(async (client) => {
    const message = await lockLinkedMessage(client, messageId);
    if (!message) return null;
    if (!(await markFirstOpen(client, messageId, now))) return null;
    await insertMessageEvent(client, messageId, message.workspaceId, "opened", now);
    return message;
  });
  if (first)
    await recordProfileEvent(first, `${CHANNEL_EVENT_PREFIX[first.channel]} Opened`, `open-${first.id}`, {}, now);
  return true;
}

/** An absolute http(s) URL that a redirect can carry (a signed link to "https://exa mple.com" stays a 404, not a crash). */
function isRedirectable(url: string): boolean {
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** Records a click and answers where to send the person; a link whose signature doesn't match its URL is refused. */
export async function recordClick(token: string, url: string, clock: Clock = systemClock): Promise<string> {
  const messageId = verifyLink("click", token, url);
  if (!messageId || !isRedirectable(url))
    throw new AppError("not_found", "This link is not valid: it may have been altered or cut short.");
  const now = clock();
  const message = await withTransaction(async (client) => {
    const found = await lockLinkedMessage(client, messageId);
    if (!found) return null;
    // A click implies an open (images may be blocked), so it sets openedAt too.
    await markClicked(client, messageId, now);
    await insertMessageEvent(client, messageId, found.workspaceId, "clicked", now, { url });
    return found;
  });
  if (message) {
    // one event per (message, URL) however long the URL: a prefix would merge links that differ only at the end
    const urlKey = createHash("sha256").update(url).digest("base64url").slice(0, 32);
    await recordProfileEvent(
      message,
      `${CHANNEL_EVENT_PREFIX[message.channel]} Link Clicked`,
      `click-${message.id}-${urlKey}`,
      { url },
      now,
    );
  }
  return url;
}

export type PreferenceChannel = Exclude<Channel, "in_app">;
export const PREFERENCE_CHANNELS: PreferenceChannel[] = CHANNELS.filter((c): c is PreferenceChannel => c !== "in_app");

async function setConsent(
  client: pg.PoolClient,
  message: LinkedMessage,
  channel: Channel,
  status: "opted_in" | "unsubscribed",
  source: string,
  now: Date,
): Promise<boolean> {
  // a transactional message to an address of no profile: there is no one whose consent to record
  if (!message.profileId) return false;
  const profileId = message.profileId;
  const previous = await upsertConsent(client, {
    workspaceId: message.workspaceId,
    profileId: (await selectCurrentProfileId(client, profileId)) ?? profileId,
    channel,
    status,
    source,
    at: now,
  });
  const changed = previous !== status;
  // Reachability segments read consent; a preference page is not an event, so re-check the person here.
  if (changed) await reevaluateProfileSegments(client, message.workspaceId, [profileId], now);
  return changed;
}

/** One-click unsubscribe (RFC 8058 POST from the mail client, or the link in the message): from the message's channel. */
export async function unsubscribe(
  token: string,
  source: "one_click" | "link",
  clock: Clock = systemClock,
): Promise<{ channel: Channel }> {
  const messageId = verifyLink("unsubscribe", token);
  if (!messageId)
    throw new AppError("not_found", "This unsubscribe link is not valid: it may have been altered or cut short.");
  const now = clock();
  const result = await withTransaction(async (client) => {
    const message = await lockLinkedMessage(client, messageId);
    if (!message) throw new AppError("not_found", "This unsubscribe link belongs to a message that no longer exists.");
    const changed = await setConsent(client, message, message.channel, "unsubscribed", `unsubscribe:${source}`, now);
    if (changed) await insertMessageEvent(client, messageId, message.workspaceId, "unsubscribed", now, { source });
    return { message, changed };
  });
  if (result.changed)
    await recordProfileEvent(result.message, "Unsubscribed", `unsubscribe-${result.message.id}`, { source }, now);
  return { channel: result.message.channel };
}

export interface Preferences {
  workspaceName: string;
  /** the address the message went to, to show whose preferences these are */
  address: string | null;
  channels: { channel: PreferenceChannel; subscribed: boolean }[];
}

async function messageForPreferences(token: string): Promise<string> {
  const messageId = verifyLink("preferences", token) ?? verifyLink("unsubscribe", token);
  if (!messageId)
    throw new AppError("not_found", "This preferences link is not valid: it may have been altered or cut short.");
  return messageId;
}

/**
 * What the page shows: per channel, whether delivery would let the person's messages through today, i.e.
 * the consent record, else the `<channel>_subscribe` trait, read exactly as delivery reads them
 * (consentDecision), of the person the message's profile is now (it may have been merged since). Where the
 * workspace requires opt-in, only an opt-in ticks the box: someone who never opted in sees it unticked, so
 * ticking it is the opt-in.
 */
async function preferencesOf(client: pg.PoolClient, messageId: string): Promise<Preferences | null> {
  const row = await selectPreferenceTarget(client, messageId);
  if (!row) return null;
  const consent = await selectConsents(client, row.profileId);
  const status = new Map(consent.map((c) => [c.channel, c.status]));
  // on this transaction's connection (the embedded database has only one)
  const requireOptIn = await selectRequireOptIn(client, row.workspaceId);
  return {
    workspaceName: row.workspaceName,
    address: row.to,
    channels: PREFERENCE_CHANNELS.map((channel) => ({
      channel,
      subscribed: consentDecision(channel, status.get(channel) ?? null, row.traits, requireOptIn).allowed,
    })),
  };
}

export async function getPreferences(token: string): Promise<Preferences> {
  const messageId = await messageForPreferences(token);
  return withTransaction(async (client) => {
    const preferences = await preferencesOf(client, messageId);
    if (!preferences)
      throw new AppError("not_found", "This preferences link belongs to a message that no longer exists.");
    return preferences;
  });
}

/**
 * Saves the preference page. Only the boxes the person changed are recorded: unchecking one unsubscribes
 * from the channel, checking one that was unchecked opts in (the person chose it). A box left as it was
 * shown records nothing, because a box that was ticked already is not an opt-in (GDPR's Planet49 ruling,
 * the TCPA's "express consent"): a workspace that requires opt-in keeps treating those people as not opted in.
 */
export async function savePreferences(
  token: string,
  choices: Partial<Record<PreferenceChannel, boolean>>,
  clock: Clock = systemClock,
): Promise<Preferences> {
  const messageId = await messageForPreferences(token);
  const now = clock();
  const unsubscribed = await withTransaction(async (client) => {
    const message = await lockLinkedMessage(client, messageId);
    const shown = message && (await preferencesOf(client, messageId));
    if (!message || !shown)
      throw new AppError("not_found", "This preferences link belongs to a message that no longer exists.");
    const newlyUnsubscribed: Channel[] = [];
    for (const { channel, subscribed } of shown.channels) {
      const choice = choices[channel];
      if (choice === undefined || choice === subscribed) continue;
      const status = choice ? "opted_in" : "unsubscribed";
      const changed = await setConsent(client, message, channel, status, "preference_page", now);
      if (changed && status === "unsubscribed") newlyUnsubscribed.push(channel);
    }
    if (newlyUnsubscribed.length)
      await insertMessageEvent(client, messageId, message.workspaceId, "unsubscribed", now, {
        source: "preference_page",
        channels: newlyUnsubscribed,
      });
    return { message, newlyUnsubscribed };
  });
  for (const channel of unsubscribed.newlyUnsubscribed) {
    await recordProfileEvent(
      unsubscribed.message,
      "Unsubscribed",
      `unsubscribe-${messageId}-${channel}-${now.getTime()}`,
      { channel, source: "preference_page" },
      now,
    );
  }
  return getPreferences(token);
}
