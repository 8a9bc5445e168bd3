import type { ProviderConfigs } from "./channel-config";
import type { Channel, RenderScope } from "./liquid";
import { sendEmail, sendSms } from "./providers";
import { twilioStatusCallbackUrl } from "./providers/sms-twilio";
import { ProviderError, type SendResult } from "./providers/types";
import { pushToDevices, reachableDevices } from "./push-devices";
import type { DeliveryMessage } from "./store/deliveries";
import type { Recipient } from "./store/recipients";
import { messageLinks, publicBaseUrl, trackEmailHtml } from "./tracking";

/**
 * What a message goes out as, once delivery's checks let it through (lib/messaging/delivery.ts): the person's
 * addresses on its channel, the Liquid scope its template renders with, and the provider call for the rendered
 * fields together with the "content as sent" that is stored on the message. No database here.
 */

/** What a claimed message goes out as: the provider call to make, and what is stored as "content as sent". */
export type Send =
  | { provider: "smtp" | "outbox"; to: string; call: () => Promise<SendResult>; content: Record<string, unknown> }
  | { provider: "twilio"; to: string; call: () => Promise<SendResult>; content: Record<string, unknown> }
  | { provider: "push"; to: string; call: () => Promise<PushSendOutcome>; content: Record<string, unknown> }
  | { provider: "inbox"; to: string; content: Record<string, unknown> }
  /** a webhook broadcast's request (lib/broadcasts/send/webhook-send.ts): `to` is the URL */
  | { provider: "webhook"; to: string; call: () => Promise<SendResult>; content: Record<string, unknown> };

export interface PushSendOutcome extends SendResult {
  deadTokens: string[];
}

/** Every device of the person is gone (expired subscriptions, unregistered tokens): each is suppressed. */
export class DevicesGoneError extends ProviderError {
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

/** Whom a message goes to: a profile (its id aside), or an address of no profile (addressOnlyPerson). */
export type Person = Omit<Recipient, "id">;

/**
 * A transactional message to an email or phone that is no one's profile (POST /api/v1/send): the address is all
 * there is, no traits, no time zone, no devices.
 */
export function addressOnlyPerson(channel: Channel, to: string | null): Person {
  return {
    userId: null,
    email: channel === "email" ? to : null,
    phone: channel === "sms" ? to : null,
    timezone: null,
    traits: {},
    pushTokens: [],
  };
}

/** What delivery takes as an email address, and as a phone number (E.164: SMS providers need the country code). */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+$/;
export const E164_PHONE = /^\+[1-9]\d{6,14}$/;

/** The addresses a channel reaches for this person, or why there are none. */
export function contactPoints(
  channel: Channel,
  profile: Person,
  configs: ProviderConfigs,
): { addresses: string[] } | { missing: string } {
  switch (channel) {
    case "email":
      if (!profile.email) return { missing: "No email address on the profile" };
      // an address that is there but unusable is named (the profile page flags it too: lib/profiles/data-issues.ts)
      return EMAIL_ADDRESS.test(profile.email)
        ? { addresses: [profile.email] }
        : { missing: `The email address '${profile.email}' is not valid` };
    case "sms": {
      if (!profile.phone) return { missing: "No phone number on the profile" };
      // SMS providers need the international form; guessing a country code could text a stranger
      const phone = profile.phone.replace(/[\s().-]/g, "");
      return E164_PHONE.test(phone)
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

/** What a message's Liquid reads; a transactional send adds its request's `data` (`{{ data.order_id }}`). */
export type MessageScope = RenderScope & { data?: Record<string, unknown> };

/**
 * The Liquid scope of a message. A message to an address of no profile (`addressOnly`) gets no unsubscribe or
 * preference links: there is no person whose consent they could record. (One with a topic gets them: leaving the
 * topic makes a profile for the address, lib/topics/address-profile.ts; delivery passes addressOnly false.)
 */
export function buildScope(
  message: Pick<DeliveryMessage, "id" | "journeyId" | "context">,
  profile: Person,
  journeyName: string | null,
  options: { addressOnly?: boolean } = {},
): MessageScope {
  const links = messageLinks(message.id);
  const data = message.context.data;
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
    ...(options.addressOnly ? {} : { unsubscribe_url: links.unsubscribe, preferences_url: links.preferences }),
    ...(data ? { data } : {}),
  };
}

/** The provider call for a rendered message. Returns a reason when the channel isn't set up. */
export function prepareSend(
  message: Pick<DeliveryMessage, "id" | "workspaceId" | "channel" | "idempotencyKey"> & {
    category?: string;
    topicId?: string | null;
  },
  fields: Record<string, string>,
  addresses: string[],
  configs: ProviderConfigs,
  /** a broadcast's batch: its emails' SMTP exchanges run in a sender thread (lib/messaging/providers/smtp.ts) */
  options: { senderThread?: boolean } = {},
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
      // A transactional email (a receipt, a password reset) carries no List-Unsubscribe: the header is for mail a
      // person subscribed to (RFC 8058, Gmail's and Yahoo's bulk-sender rules), and a one-click unsubscribe on a
      // receipt would only stop their marketing mail, which that message is not (Postmark's transactional streams
      // and Customer.io's transactional API leave it out too). One with a subscription topic carries it: the person
      // can leave that stream on its own ("Shipping updates"), and the one-click POST leaves only the topic.
      const headers = {
        ...(message.category === "transactional" && !message.topicId
          ? {}
          : {
              "List-Unsubscribe": `<${links.oneClickUnsubscribe}>`,
              "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }),
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
        call: () => sendEmail(sender.smtp, email, { ...ctx, senderThread: options.senderThread }),
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
