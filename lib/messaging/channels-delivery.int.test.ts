import crypto from "node:crypto";
import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import {
  startFcmServer,
  startPushService,
  startTwilioServer,
  type FcmServer,
  type PushService,
  type TestPushSubscription,
  type TwilioServer,
} from "../testing/local-provider-servers";
import { messageRow, profileOf, queueFor, setup, timeline, type MessagingSetup } from "../testing/messaging-fixtures";
import { saveChannelConfig } from "./channel-config";
import { deliverMessage, retryBackoffMs } from "./delivery";
import { clearFcmTokenCache } from "./providers";
import { pushCollapseKey } from "./providers/types";
import { publicBaseUrl } from "./tracking";

const { publicKey: VAPID_PUBLIC, privateKey: VAPID_PRIVATE } = webpush.generateVAPIDKeys();
const FCM_KEYS = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const FCM_PEM = FCM_KEYS.privateKey.export({ type: "pkcs8", format: "pem" }).toString();

let twilio: TwilioServer;
let push: PushService;
let fcm: FcmServer;
beforeAll(async () => {
  [twilio, push, fcm] = await Promise.all([
    startTwilioServer(),
    startPushService(),
    startFcmServer({ publicKey: FCM_KEYS.publicKey }),
  ]);
});
afterAll(async () => {
  clearFcmTokenCache();
  await Promise.all([twilio.close(), push.close(), fcm.close()]);
});

async function suppressionsOf(s: MessagingSetup) {
  return (
    await db().suppression.findMany({ where: { workspaceId: s.ctx.workspace.id }, orderBy: { address: "asc" } })
  ).map((r) => ({ channel: r.channel, address: r.address, reason: r.reason, messageId: r.messageId }));
}

describe("SMS through Twilio", () => {
  async function smsSetup(): Promise<MessagingSetup> {
    const s = await setup(undefined, { channel: "sms" });
    await saveChannelConfig(s.owner, "sms", {
      settings: { baseUrl: twilio.url, accountSid: twilio.accountSid, from: "+15005550006" },
      secrets: { authToken: twilio.authToken },
    });
    return s;
  }

  it("posts the rendered SMS as Twilio's form, with the idempotency token and status callback, and stores the SID", async () => {
    const s = await smsSetup();
    const id = await queueFor(s, "ada", { phone: "+1 (555) 010-0001", first_name: "Ada" });
    const before = twilio.received.length;
    const result = await deliverMessage(id, s.driver.clock);
    expect(twilio.received.length).toBe(before + 1);
    const request = twilio.received.at(-1)!;
    expect(result).toEqual({ outcome: "sent", status: "SENT", providerMessageId: request.sid });
    expect(request.form).toEqual({
      To: "+15550100001",
      From: "+15005550006",
      Body: "Hi Ada, your code is 1234",
      StatusCallback: `${publicBaseUrl()}/api/v1/providers/twilio/status?workspace=${s.ctx.workspace.id}`,
    });
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request.auth).toEqual({ user: twilio.accountSid, password: twilio.authToken });

    const m = await messageRow(id);
    expect(request.idempotencyToken).toBe(m.idempotencyKey);
    expect(m).toMatchObject({
      status: "SENT",
      provider: "twilio",
      providerMessageId: request.sid,
      to: "+15550100001",
      attempts: 1,
      claimedUntil: null,
    });
    expect(m.sentAt).toEqual(s.driver.now);
    expect(m.content).toEqual({ to: "+15550100001", from: "+15005550006", body: "Hi Ada, your code is 1234" });
    expect(await timeline(id)).toEqual(["sent"]);
    const sent = await db().messageEvent.findFirstOrThrow({ where: { messageId: id, type: "sent" } });
    expect(sent.detail).toEqual({
      provider: "twilio",
      to: "+15550100001",
      response: `201 queued ${request.sid}`,
      attempt: 1,
    });
  });

  it("a Twilio outage is retried with the same idempotency token", async () => {
    const s = await smsSetup();
    const id = await queueFor(s, "retry", { phone: "+15550100002" });
    twilio.failNext(1, 503);
    expect(await deliverMessage(id, s.driver.clock)).toEqual({
      outcome: "retry",
      reason: "The provider answered: Twilio 503 (error 20500): Service Unavailable",
      attempt: 1,
      retryAt: new Date(s.driver.now.getTime() + retryBackoffMs(1)).toISOString(),
    });
    expect((await messageRow(id)).status).toBe("QUEUED");
    s.driver.advanceTime(retryBackoffMs(1));
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const m = await messageRow(id);
    expect(twilio.received.filter((r) => r.form.To === "+15550100002").map((r) => r.idempotencyToken)).toEqual([
      m.idempotencyKey,
    ]);
    expect(m.attempts).toBe(2);
  });

  it("a person without a phone number is suppressed, and nothing is sent", async () => {
    const s = await smsSetup();
    const before = twilio.received.length;
    const notInternational = (phone: string) =>
      `The profile's phone number ${phone} is not in international form (+ and the country code, e.g. +15551234567)`;
    for (const [userId, traits, reason] of [
      ["nophone", {}, "No phone number on the profile"],
      ["badphone", { phone: "call me" }, notInternational("call me")],
      // no country code: texting it would mean guessing one
      ["local", { phone: "5550100001" }, notInternational("5550100001")],
    ] as const) {
      const id = await queueFor(s, userId, traits);
      expect(await deliverMessage(id, s.driver.clock)).toEqual({ outcome: "suppressed", reason });
      expect(await messageRow(id)).toMatchObject({ status: "SUPPRESSED", statusReason: reason, attempts: 0 });
    }
    expect(twilio.received.length).toBe(before);
  });

  it("SMS not set up fails the message with what to do", async () => {
    const s = await setup(undefined, { channel: "sms" });
    const id = await queueFor(s, "unset", { phone: "+15550100003" });
    const reason = "SMS isn't set up: configure a Twilio-compatible provider in Settings → Channels";
    expect(await deliverMessage(id, s.driver.clock)).toEqual({ outcome: "failed", reason });
    expect(await messageRow(id)).toMatchObject({ status: "FAILED", statusReason: reason, provider: null });
    expect(await timeline(id)).toEqual(["failed"]);
  });

  it("Twilio refusing the number (400, error 21211) bounces the message and suppresses the number", async () => {
    const s = await smsSetup();
    twilio.rejectRecipient("+15550100004", 21211);
    const id = await queueFor(s, "invalid", { phone: "+15550100004" });
    const reason = "The provider answered: Twilio 400 (error 21211): Invalid 'To' Phone Number: +15550100004";
    expect(await deliverMessage(id, s.driver.clock)).toEqual({ outcome: "bounced", reason });
    expect(await messageRow(id)).toMatchObject({ status: "BOUNCED", statusReason: reason, providerMessageId: null });
    expect(await suppressionsOf(s)).toEqual([
      { channel: "sms", address: "+15550100004", reason: "invalid_address", messageId: id },
    ]);
    const before = twilio.received.length + twilio.rejected.length;
    const next = await queueFor(s, "invalid", {});
    expect(await deliverMessage(next, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "+15550100004 is on the suppression list (invalid_address)",
    });
    expect(twilio.received.length + twilio.rejected.length).toBe(before);
  });

  it("a refusal that is about the account (401), not the number, fails without suppressing", async () => {
    const s = await smsSetup();
    twilio.failNext(1, 401);
    const id = await queueFor(s, "acct", { phone: "+15550100005" });
    expect(await deliverMessage(id, s.driver.clock)).toEqual({
      outcome: "failed",
      reason: "The provider answered: Twilio 401 (error 20003): Unauthorized",
    });
    expect(await suppressionsOf(s)).toEqual([]);
  });
});

/** What a browser's PushSubscription serializes to (`JSON.stringify(subscription)`), as the customer's site sends it. */
function browserJson(subscription: TestPushSubscription): string {
  return JSON.stringify({ endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys });
}

describe("Web Push", () => {
  async function webPushSetup(): Promise<MessagingSetup> {
    const s = await setup(undefined, { channel: "push" });
    await saveChannelConfig(s.owner, "web_push", {
      settings: { vapidPublicKey: VAPID_PUBLIC, subject: "mailto:ops@shop.example" },
      secrets: { vapidPrivateKey: VAPID_PRIVATE },
    });
    return s;
  }

  /** A person whose browser subscribed: the site sends the subscription as context.device.token, as ingestion stores push tokens. */
  async function queueForBrowsers(
    s: MessagingSetup,
    userId: string,
    subscriptions: TestPushSubscription[],
  ): Promise<string> {
    for (const subscription of subscriptions)
      await s.driver.send([
        {
          type: "identify",
          userId,
          traits: { first_name: "Ada" },
          context: { device: { token: browserJson(subscription), type: "web" } },
        },
      ]);
    expect((await profileOf(s.ctx.workspace.id, userId)).pushTokens).toEqual(
      expect.arrayContaining(subscriptions.map((sub) => ({ token: browserJson(sub), type: "web" }))),
    );
    return queueFor(s, userId, {});
  }

  it("encrypts the notification for the browser's subscription, signed with the workspace's VAPID key", async () => {
    const s = await webPushSetup();
    const subscription = push.subscribe({ applicationServerKey: VAPID_PUBLIC });
    const id = await queueForBrowsers(s, "browser", [subscription]);
    const result = await deliverMessage(id, s.driver.clock);
    const delivery = push.received.find((r) => r.endpoint === subscription.endpoint)!;
    expect(delivery).toBeDefined();
    expect(result).toEqual({
      outcome: "sent",
      status: "SENT",
      providerMessageId: `${push.origin}/message/${delivery.id}`,
    });
    expect(JSON.parse(delivery.payload!)).toEqual({
      title: "Hi Ada",
      body: "Your cart misses you",
      url: "https://shop.example/cart",
      data: { cairnMessageId: id },
    });
    expect(delivery.vapid).toMatchObject({
      publicKey: VAPID_PUBLIC,
      claims: { aud: push.origin, sub: "mailto:ops@shop.example" },
    });
    expect(delivery.contentEncoding).toBe("aes128gcm");
    // the message's idempotency key as the Topic, so a retry replaces an undelivered first attempt
    expect(delivery.topic).toBe(pushCollapseKey((await messageRow(id)).idempotencyKey));
    expect(await messageRow(id)).toMatchObject({
      status: "SENT",
      provider: "push",
      to: "1 device",
      content: {
        title: "Hi Ada",
        body: "Your cart misses you",
        deepLink: "https://shop.example/cart",
        data: { cairnMessageId: id },
        devices: 1,
      },
    });
  });

  it("a person with a web subscription but no Web Push set up is suppressed with what to do", async () => {
    const s = await setup(undefined, { channel: "push" });
    const id = await queueForBrowsers(s, "unset", [push.subscribe()]);
    expect(await deliverMessage(id, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "The profile's push tokens are for a provider this workspace hasn't configured (Settings → Channels)",
    });
    const none = await queueFor(s, "nobrowser", {});
    expect(await deliverMessage(none, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "No push token on the profile",
    });
  });

  it("an expired subscription (410) bounces the message", async () => {
    const s = await webPushSetup();
    const subscription = push.subscribe();
    push.expire(subscription.endpoint);
    const id = await queueForBrowsers(s, "gone", [subscription]);
    const reason = "The provider answered: Push service 410: push subscription has unsubscribed or expired";
    expect(await deliverMessage(id, s.driver.clock)).toEqual({ outcome: "bounced", reason });
    expect(await messageRow(id)).toMatchObject({ status: "BOUNCED", statusReason: reason });
  });

  // delivery.ts bug: when every device of the person is gone, recordFailure suppresses `[]` for push
  // (send.to is "1 device", not the tokens) and the dead tokens are lost, so each later push to the person
  // calls the push service again and bounces instead of being suppressed before sending. Flip to `it` once fixed.
  it("an expired subscription (410) is suppressed, so the next push is not attempted", async () => {
    const s = await webPushSetup();
    const subscription = push.subscribe();
    push.expire(subscription.endpoint);
    const id = await queueForBrowsers(s, "gone-for-good", [subscription]);
    expect((await deliverMessage(id, s.driver.clock)).outcome).toBe("bounced");
    expect(await suppressionsOf(s)).toEqual([
      { channel: "push", address: browserJson(subscription), reason: "invalid_address", messageId: id },
    ]);
  });

  it("one of two browsers gone: sent to the other, and the gone one is suppressed and not tried again", async () => {
    const s = await webPushSetup();
    const live = push.subscribe();
    const dead = push.subscribe();
    push.expire(dead.endpoint);
    const id = await queueForBrowsers(s, "twobrowsers", [live, dead]);
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent", status: "SENT" });
    expect((await messageRow(id)).to).toBe("2 devices");
    expect((await db().messageEvent.findFirstOrThrow({ where: { messageId: id, type: "sent" } })).detail).toMatchObject(
      { response: "201 Created (1 of 2 devices)" },
    );
    expect(await suppressionsOf(s)).toEqual([
      { channel: "push", address: browserJson(dead), reason: "invalid_address", messageId: id },
    ]);

    const rejectedBefore = push.rejected.length;
    const next = await queueFor(s, "twobrowsers", {});
    expect(await deliverMessage(next, s.driver.clock)).toMatchObject({ outcome: "sent" });
    expect(push.rejected.length).toBe(rejectedBefore);
    expect(push.received.filter((r) => r.endpoint === live.endpoint)).toHaveLength(2);
  });
});

describe("FCM", () => {
  const TOKEN = "fcm-device-token:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx";

  async function fcmSetup(): Promise<MessagingSetup> {
    const s = await setup(undefined, { channel: "push" });
    await saveChannelConfig(s.owner, "fcm", {
      settings: {
        projectId: fcm.projectId,
        clientEmail: fcm.clientEmail,
        tokenUrl: fcm.tokenUrl,
        apiBaseUrl: fcm.apiBaseUrl,
      },
      secrets: { privateKey: FCM_PEM },
    });
    return s;
  }

  async function queueForApp(s: MessagingSetup, userId: string, token: string): Promise<string> {
    await s.driver.send([
      { type: "identify", userId, traits: { first_name: "Bo" }, context: { device: { token, type: "android" } } },
    ]);
    expect((await profileOf(s.ctx.workspace.id, userId)).pushTokens).toEqual([{ token, type: "android" }]);
    return queueFor(s, userId, {});
  }

  it("sends to the app's registration token through FCM v1 with a service-account access token", async () => {
    const s = await fcmSetup();
    const id = await queueForApp(s, "app-user", TOKEN);
    const result = await deliverMessage(id, s.driver.clock);
    const sent = fcm.received.find(
      (r) => r.message.token === TOKEN && (r.message.data as { cairnMessageId?: string })?.cairnMessageId === id,
    )!;
    expect(sent).toBeDefined();
    expect(result).toEqual({ outcome: "sent", status: "SENT", providerMessageId: sent.name });
    // the message's idempotency key, as the collapse key of each platform
    const collapse = pushCollapseKey((await messageRow(id)).idempotencyKey);
    expect(sent.message).toEqual({
      token: TOKEN,
      notification: { title: "Hi Bo", body: "Your cart misses you" },
      data: { cairnMessageId: id, link: "https://shop.example/cart" },
      android: { collapse_key: collapse },
      apns: { headers: { "apns-collapse-id": collapse } },
      webpush: { headers: { Topic: collapse }, fcm_options: { link: "https://shop.example/cart" } },
    });
    expect(fcm.tokenRequests.some((t) => t.accessToken === sent.accessToken && t.claims.iss === fcm.clientEmail)).toBe(
      true,
    );
    expect(await messageRow(id)).toMatchObject({
      status: "SENT",
      provider: "push",
      providerMessageId: sent.name,
      to: "1 device",
    });
  });

  it("an unregistered token (404 UNREGISTERED) bounces the message", async () => {
    const s = await fcmSetup();
    const token = "fcm-device-token:uninstalled-app-0001";
    fcm.unregister(token);
    const id = await queueForApp(s, "uninstalled", token);
    expect(await deliverMessage(id, s.driver.clock)).toEqual({
      outcome: "bounced",
      reason: "The provider answered: FCM 404 UNREGISTERED: Requested entity was not found.",
    });
    expect((await messageRow(id)).status).toBe("BOUNCED");
  });
});
