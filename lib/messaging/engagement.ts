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
import { findAddressProfile, findOrCreateAddressProfile } from "../topics/address-profile";
import { recordTopicChoice } from "../topics/record-topic-choice";
import { selectLiveTopicsOfProfile, selectTopicById } from "../topics/store/topics";
import { topicDecision } from "../topics/topic-consent";
import {
  type LinkedMessage,
  lockLinkedMessage,
  markClicked,
  markFirstOpen,
  selectLinkedMessage,
  selectPreferenceTarget,
} from "./store/engagement";
import { insertMessageEvent } from "./store/message-events";
import { selectAddressableIdentity, selectCurrentProfileId, selectRecipient } from "./store/recipients";
import { normalizeAddress } from "./suppressions";
import { selectProfileIdByAddress } from "./transactional/store/transactional-messages";
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
  message: Pick<LinkedMessage, "id" | "workspaceId" | "profileId" | "channel" | "journeyId" | "templateId">,
  name: string,
  dedupeKey: string,
  properties: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await recordPersonEvent(
    message.workspaceId,
    message.profileId,
    name,
    dedupeKey,
    {
      messageId: message.id,
      channel: message.channel,
      journeyId: message.journeyId,
      templateId: message.templateId,
      ...properties,
    },
    at,
  );
}

/** Stores an event on a person through ingestion, for what they did outside a message too (the API's topic choices). */
export async function recordPersonEvent(
  workspaceId: string,
  profileId: string | null,
  name: string,
  dedupeKey: string,
  properties: Record<string, unknown>,
  at: Date,
): Promise<void> {
  const identity = await selectAddressableIdentity(pgPool(), profileId);
  if (!identity) return; // a person without any id cannot be addressed by an event
  const event: NormalizedEvent = {
    messageId: `cairn-${dedupeKey}`,
    type: "track",
    name,
    userId: identity.kind === "user" ? identity.value : null,
    anonymousId: identity.kind === "user" ? null : identity.value,
    previousId: null,
    properties,
    traits: null,
    context: { library: { name: "cairn-messaging" } },
    timestamp: at,
    originalTimestamp: at,
    sentAt: null,
    receivedAt: at,
  };
  const stored = await storeBatch(workspaceId, [event], "messaging");
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

/**
 * The message a link names with the person whose choices it records. A message to an address of no profile
 * (POST /api/v1/send to `{ email }`) records nothing, unless it has a topic: leaving a topic must stick to the
 * address, so the workspace's profile with that address is found, or one is made for it (findOrCreateAddressProfile,
 * an identify through ingestion). `create: false` only looks (a page view must not make profiles: link scanners
 * open every link). Runs before the caller's transaction, since ingestion opens its own.
 */
async function linkedMessageWithPerson(
  messageId: string,
  options: { create: boolean; now: Date },
): Promise<LinkedMessage | null> {
  const message = await selectLinkedMessage(pgPool(), messageId);
  if (!message || message.profileId || !message.topicId || !message.to) return message;
  const profileId = options.create
    ? await findOrCreateAddressProfile(message.workspaceId, message.channel, message.to, options.now)
    : await findAddressProfile(message.workspaceId, message.channel, message.to);
  return { ...message, profileId };
}

export interface UnsubscribeOutcome {
  channel: Channel;
  /** the topic left; null when the channel's marketing was left */
  topic: { key: string; name: string } | null;
}

/**
 * One-click unsubscribe (RFC 8058 POST from the mail client, or the link in the message). A message of a topic
 * leaves its topic only (the person keeps the rest of the channel: "Order updates" but not "Product news"); a
 * message without one leaves the channel's marketing. `scope: "channel"` is the unsubscribe page's wider choice,
 * all of the channel's marketing, whatever the message's topic.
 */
export async function unsubscribe(
  token: string,
  source: "one_click" | "link",
  clock: Clock = systemClock,
  options: { scope?: "topic" | "channel" } = {},
): Promise<UnsubscribeOutcome> {
  const messageId = verifyLink("unsubscribe", token);
  if (!messageId)
    throw new AppError("not_found", "This unsubscribe link is not valid: it may have been altered or cut short.");
  const now = clock();
  const gone = () => new AppError("not_found", "This unsubscribe link belongs to a message that no longer exists.");
  const linked = await linkedMessageWithPerson(messageId, { create: true, now });
  if (!linked) throw gone();
  const topic = linked.topicId ? await selectTopicById(pgPool(), linked.workspaceId, linked.topicId) : null;
  const leaveTopic = topic && options.scope !== "channel" ? topic : null;
  const result = await withTransaction(async (client) => {
    const locked = await lockLinkedMessage(client, messageId);
    if (!locked) throw gone();
    const message = { ...locked, profileId: locked.profileId ?? linked.profileId };
    let changed: boolean;
    if (leaveTopic) {
      changed =
        !!message.profileId &&
        (
          await recordTopicChoice(client, {
            workspaceId: message.workspaceId,
            profileId: message.profileId,
            topic: leaveTopic,
            status: "unsubscribed",
            source: source === "one_click" ? "list_unsubscribe" : "unsubscribe_link",
            at: now,
          })
        ).changed;
    } else changed = await setConsent(client, message, message.channel, "unsubscribed", `unsubscribe:${source}`, now);
    const detail = leaveTopic ? { source, topic: leaveTopic.key } : { source };
    if (changed) await insertMessageEvent(client, messageId, message.workspaceId, "unsubscribed", now, detail);
    return { message, changed, detail };
  });
  if (result.changed)
    await recordProfileEvent(
      result.message,
      "Unsubscribed",
      leaveTopic ? `unsubscribe-${result.message.id}-topic` : `unsubscribe-${result.message.id}`,
      result.detail,
      now,
    );
  return { channel: result.message.channel, topic: leaveTopic ? { key: leaveTopic.key, name: leaveTopic.name } : null };
}

export interface PreferenceTopic {
  key: string;
  name: string;
  description: string;
  category: "marketing" | "transactional";
  /** whether delivery lets this topic's messages through: the person's choice, else the topic's default */
  subscribed: boolean;
}

export interface Preferences {
  workspaceName: string;
  /** the address the message went to, to show whose preferences these are */
  address: string | null;
  /** the message's channel, and its topic (archived or not) when it has one */
  channel: Channel;
  topic: { key: string; name: string; category: "marketing" | "transactional" } | null;
  channels: { channel: PreferenceChannel; subscribed: boolean }[];
  /** the workspace's live topics, marketing then transactional */
  topics: PreferenceTopic[];
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
 * ticking it is the opt-in. Per live topic, the person's choice, else the topic's default (topicDecision's rule).
 * A message to an address of no profile has a page only when it has a topic; it shows the choices of the
 * address's profile when one exists by now, else everyone's defaults.
 */
async function preferencesOf(client: pg.PoolClient, messageId: string): Promise<Preferences | null> {
  const row = await selectPreferenceTarget(client, messageId);
  if (!row || (!row.profileId && !row.topicId)) return null;
  let profileId = row.profileId;
  let traits = row.traits ?? {};
  if (!profileId && row.to && (row.channel === "email" || row.channel === "sms")) {
    const found = await selectProfileIdByAddress(client, row.workspaceId, row.channel === "email" ? "email" : "phone", [
      ...new Set([row.to, normalizeAddress(row.channel, row.to)]),
    ]);
    const person = found ? await selectRecipient(client, found) : null;
    if (person) [profileId, traits] = [person.id, person.traits];
  }
  const consent = profileId ? await selectConsents(client, profileId) : [];
  const status = new Map(consent.map((c) => [c.channel, c.status]));
  // on this transaction's connection (the embedded database has only one)
  const requireOptIn = await selectRequireOptIn(client, row.workspaceId);
  const topic = row.topicId ? await selectTopicById(client, row.workspaceId, row.topicId) : null;
  const topics = await selectLiveTopicsOfProfile(client, row.workspaceId, profileId);
  return {
    workspaceName: row.workspaceName,
    address: row.to,
    channel: row.channel,
    topic: topic ? { key: topic.key, name: topic.name, category: topic.category } : null,
    channels: PREFERENCE_CHANNELS.map((channel) => ({
      channel,
      subscribed: consentDecision(channel, status.get(channel) ?? null, traits, requireOptIn).allowed,
    })),
    topics: topics.map((t) => ({
      key: t.key,
      name: t.name,
      description: t.description,
      category: t.category,
      subscribed: topicDecision(t, t.status).allowed,
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
 * Topics follow the same rule: a changed box records "unsubscribed" or "subscribed" for that topic, keyed by the
 * topic's key in `topicChoices` (keys that are not a live topic of the workspace are ignored).
 */
export async function savePreferences(
  token: string,
  choices: Partial<Record<PreferenceChannel, boolean>>,
  clock: Clock = systemClock,
  topicChoices: Record<string, boolean> = {},
): Promise<Preferences> {
  const messageId = await messageForPreferences(token);
  const now = clock();
  const gone = () => new AppError("not_found", "This preferences link belongs to a message that no longer exists.");
  // A message to an address of no profile: a profile is made for the address only when something is recorded.
  const before = await getPreferences(token);
  const changes =
    before.channels.some((c) => choices[c.channel] !== undefined && choices[c.channel] !== c.subscribed) ||
    before.topics.some((t) => topicChoices[t.key] !== undefined && topicChoices[t.key] !== t.subscribed);
  const linked = await linkedMessageWithPerson(messageId, { create: changes, now });
  if (!linked) throw gone();
  const topicIds = new Map(
    (await selectLiveTopicsOfProfile(pgPool(), linked.workspaceId, null)).map((t) => [t.key, t]),
  );
  const unsubscribed = await withTransaction(async (client) => {
    const locked = await lockLinkedMessage(client, messageId);
    const shown = locked && (await preferencesOf(client, messageId));
    if (!locked || !shown) throw gone();
    const message = { ...locked, profileId: locked.profileId ?? linked.profileId };
    const newlyUnsubscribed: Channel[] = [];
    for (const { channel, subscribed } of shown.channels) {
      const choice = choices[channel];
      if (choice === undefined || choice === subscribed) continue;
      const status = choice ? "opted_in" : "unsubscribed";
      const changed = await setConsent(client, message, channel, status, "preference_page", now);
      if (changed && status === "unsubscribed") newlyUnsubscribed.push(channel);
    }
    const topicsLeft: string[] = [];
    for (const { key, subscribed } of shown.topics) {
      const choice = topicChoices[key];
      const topic = topicIds.get(key);
      if (choice === undefined || choice === subscribed || !topic || !message.profileId) continue;
      const status = choice ? "subscribed" : "unsubscribed";
      const { changed } = await recordTopicChoice(client, {
        workspaceId: message.workspaceId,
        profileId: message.profileId,
        topic,
        status,
        source: "preference_page",
        at: now,
      });
      if (changed && status === "unsubscribed") topicsLeft.push(key);
    }
    if (newlyUnsubscribed.length || topicsLeft.length)
      await insertMessageEvent(client, messageId, message.workspaceId, "unsubscribed", now, {
        source: "preference_page",
        ...(newlyUnsubscribed.length ? { channels: newlyUnsubscribed } : {}),
        ...(topicsLeft.length ? { topics: topicsLeft } : {}),
      });
    return { message, newlyUnsubscribed, topicsLeft };
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
  for (const topic of unsubscribed.topicsLeft) {
    await recordProfileEvent(
      unsubscribed.message,
      "Unsubscribed",
      `unsubscribe-${messageId}-topic-${topic}-${now.getTime()}`,
      { topic, source: "preference_page" },
      now,
    );
  }
  return getPreferences(token);
}
