import type { z } from "zod";
import type { listCatalogNames, listRecentEvents } from "@/lib/events/events";
import type { createWebhookSource, updateWebhookSource, ZWebhookSourceInput } from "@/lib/ingest/webhook-sources";
import type {
  generateWebPushKeys,
  saveChannelConfig,
  testEmailConnection,
  ZChannelConfigInput,
} from "@/lib/messaging/channel-config";
import type {
  getIdentityVerification,
  rotateIdentitySecret,
  updateIdentityVerification,
  ZIdentityVerificationSettings,
} from "@/lib/messaging/identity-verification";
import type { describeCap, describePolicy, savePolicy, ZMessagingPolicy } from "@/lib/messaging/policy";
import { path, type Send } from "./request";
import type { Answer } from "./types";

type FrequencyCap = NonNullable<z.input<typeof ZMessagingPolicy>["frequencyCaps"]>[number];
/** The rules form sends an empty limit or window as null, so the server's message lands on that field. */
type MessagingPolicyBody = Omit<z.input<typeof ZMessagingPolicy>, "frequencyCaps"> & {
  frequencyCaps?: (Omit<FrequencyCap, "limit" | "hours"> & { limit: number | null; hours: number | null })[];
};

/** A workspace's sending and receiving settings: channels, messaging rules, identity verification, webhooks. */
export function settingsApi(send: Send) {
  const workspace = (slug: string) => path`/workspaces/${slug}`;
  return {
    /** `{ settings, secrets }`: a blank secret keeps the stored one. */
    saveChannel: (slug: string, provider: string, body: z.input<typeof ZChannelConfigInput>) =>
      send<Answer<typeof saveChannelConfig>>("PUT", `${workspace(slug)}${path`/channels/${provider}`}`, { body }),
    removeChannel: (slug: string, provider: string) =>
      send<{ ok: true }>("DELETE", `${workspace(slug)}${path`/channels/${provider}`}`),
    /** Tries the SMTP settings in the body (a blank password uses the stored one). */
    testEmailChannel: (slug: string, body: z.input<typeof ZChannelConfigInput>) =>
      send<Answer<typeof testEmailConnection>>("POST", `${workspace(slug)}/channels/email/test`, { body }),
    /** A fresh VAPID key pair for the form; nothing is stored until the form is saved. */
    generateWebPushKeys: (slug: string) =>
      send<Answer<typeof generateWebPushKeys>>("POST", `${workspace(slug)}/channels/web_push/keys`),
    saveMessagingPolicy: (slug: string, body: MessagingPolicyBody) =>
      send<{ policy: Answer<typeof savePolicy>; summary: ReturnType<typeof describePolicy> }>(
        "PUT",
        `${workspace(slug)}/messaging-policy`,
        { body },
      ),
    /** The server's words for a draft policy; stores nothing (an invalid draft answers with its field problems). */
    describeMessagingPolicy: (slug: string, body: MessagingPolicyBody) =>
      send<{ summary: ReturnType<typeof describePolicy>; caps: ReturnType<typeof describeCap>[] }>(
        "POST",
        `${workspace(slug)}/messaging-policy/summary`,
        { body },
      ),
    identityVerification: (slug: string) =>
      send<Answer<typeof getIdentityVerification>>("GET", `${workspace(slug)}/identity-verification`),
    updateIdentityVerification: (slug: string, body: z.input<typeof ZIdentityVerificationSettings>) =>
      send<Answer<typeof updateIdentityVerification>>("PATCH", `${workspace(slug)}/identity-verification`, { body }),
    /** A new secret: hashes made with the old one stop working at once. */
    rotateIdentitySecret: (slug: string) =>
      send<Answer<typeof rotateIdentitySecret>>("POST", `${workspace(slug)}/identity-verification/rotate`),
    createWebhookSource: (slug: string, body: z.input<typeof ZWebhookSourceInput>) =>
      send<Answer<typeof createWebhookSource>>("POST", `${workspace(slug)}/webhook-sources`, { body }),
    updateWebhookSource: (slug: string, sourceId: string, body: z.input<typeof ZWebhookSourceInput>) =>
      send<Answer<typeof updateWebhookSource>>("PUT", `${workspace(slug)}${path`/webhook-sources/${sourceId}`}`, {
        body,
      }),
    removeWebhookSource: (slug: string, sourceId: string) =>
      send<{ ok: true }>("DELETE", `${workspace(slug)}${path`/webhook-sources/${sourceId}`}`),
  };
}

/** The event stream and catalog. */
export function eventsApi(send: Send) {
  return {
    /** Events newer than `after` (the newest id shown), newest first. */
    recent: (slug: string, query: { after?: string; limit?: number } = {}) =>
      send<{ events: Answer<typeof listRecentEvents> }>("GET", path`/workspaces/${slug}/events/recent`, { query }),
    /** The catalog's event names and property keys (the canvas suggests them). */
    names: (slug: string) =>
      send<{ events: Answer<typeof listCatalogNames> }>("GET", path`/workspaces/${slug}/events/names`),
  };
}
