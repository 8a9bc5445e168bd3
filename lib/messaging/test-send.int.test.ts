import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, workspaceContextForApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { startPushService, startSmtpSink, type PushService, type SmtpSink } from "../testing/local-provider-servers";
import { setup, type MessagingSetup } from "../testing/messaging-fixtures";
import { saveChannelConfig } from "./channel-config";
import { getIdentityVerification, userHashFor } from "./identity-verification";
import { listInbox } from "./inbox";
import { sendTestMessage } from "./test-send";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";

withEmbeddedOutbox();

const { publicKey: VAPID_PUBLIC, privateKey: VAPID_PRIVATE } = webpush.generateVAPIDKeys();

let sink: SmtpSink;
let push: PushService;
beforeAll(async () => {
  [sink, push] = await Promise.all([startSmtpSink(), startPushService()]);
});
afterAll(async () => {
  await Promise.all([sink.close(), push.close()]);
});

const PUSH = {
  title: "Hi {{ profile.traits.first_name }}",
  body: "Your cart misses you",
  deepLink: "https://shop.example/cart",
};
const IN_APP = {
  title: "Welcome {{ profile.traits.first_name }}",
  body: "New for you",
  cta: { label: "Open", url: "https://shop.example/app" },
};

async function refused(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { code: string; fields?: { path: string; message: string }[] },
  );
  expect(error).not.toBeNull();
  return { code: error!.code, fields: error!.fields };
}

describe("send a test to me", () => {
  it("email: the Outbox link is offered only when the test went to the embedded server", async () => {
    const s = await setup();
    const email = { subject: "Hello {{ profile.traits.first_name }}", html: "<p>Hi</p>" };
    const embedded = await sendTestMessage(s.owner, { channel: "email", content: email });
    expect(embedded).toMatchObject({ outbox: true });
    expect(
      await db().outboxEmail.count({ where: { workspaceId: s.ctx.workspace.id, subject: "[Test] Hello Ada" } }),
    ).toBe(1);

    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "smtp", fromAddress: "news@shop.example", host: sink.host, port: sink.port },
    });
    const real = await sendTestMessage(s.owner, { channel: "email", content: email });
    expect(real).toMatchObject({ to: embedded.to, outbox: false });
    expect(sink.received.filter((m) => m.parsed.subject === "[Test] Hello Ada")).toHaveLength(1);
  });

  it("email: renders event.properties with a typed event (a cart), and refuses JSON that does not parse, naming event.properties", async () => {
    const s = await setup();
    const cart = {
      subject: "{{ event.properties.items[0].name }} is waiting",
      html: "<p>{{ event.properties.items[0].name }}</p>",
    };
    await sendTestMessage(s.owner, {
      channel: "email",
      content: cart,
      event: { source: "json", properties: '{"items": [{"name": "Blue mug"}]}' },
    });
    expect(
      await db().outboxEmail.count({
        where: { workspaceId: s.ctx.workspace.id, subject: "[Test] Blue mug is waiting" },
      }),
    ).toBe(1);
    expect(
      await refused(
        sendTestMessage(s.owner, { channel: "email", content: cart, event: { source: "json", properties: "{items" } }),
      ),
    ).toEqual({
      code: "validation",
      fields: [{ path: "event.properties", message: expect.stringMatching(/^is not valid JSON: /) }],
    });
  });

  it("push: to the devices of the person with the userId given, rendered for the sample profile", async () => {
    const s = await setup(undefined, { channel: "push" });
    await saveChannelConfig(s.owner, "web_push", {
      settings: { vapidPublicKey: VAPID_PUBLIC, subject: "mailto:ops@shop.example" },
      secrets: { vapidPrivateKey: VAPID_PRIVATE },
    });
    const subscription = push.subscribe({ applicationServerKey: VAPID_PUBLIC });
    await s.driver.send([
      {
        type: "identify",
        userId: "marketer-1",
        context: {
          device: { token: JSON.stringify({ endpoint: subscription.endpoint, keys: subscription.keys }), type: "web" },
        },
      },
    ]);

    const result = await sendTestMessage(s.owner, { channel: "push", content: PUSH, to: "marketer-1" });
    expect(result).toEqual({
      to: "marketer-1 (1 of 1 device)",
      response: "Accepted by the push service",
      outbox: false,
    });
    const delivered = push.received.filter((r) => r.endpoint === subscription.endpoint);
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0].payload!)).toMatchObject({
      title: "[Test] Hi Ada",
      body: "Your cart misses you",
      url: "https://shop.example/cart",
      data: { cairnTest: "true" },
    });
    // a test leaves no message behind
    expect(await db().message.count({ where: { workspaceId: s.ctx.workspace.id } })).toBe(0);
  });

  it("push and in-app need a userId of this workspace, one with a device for push", async () => {
    const s = await setup(undefined, { channel: "push" });
    expect(await refused(sendTestMessage(s.owner, { channel: "push", content: PUSH }))).toMatchObject({
      code: "validation",
      fields: [{ path: "to", message: "Enter the userId of your own account in the app" }],
    });
    expect(await refused(sendTestMessage(s.owner, { channel: "push", content: PUSH, to: "someone" }))).toMatchObject({
      code: "conflict",
    });
    await saveChannelConfig(s.owner, "web_push", {
      settings: { vapidPublicKey: VAPID_PUBLIC, subject: "mailto:ops@shop.example" },
      secrets: { vapidPrivateKey: VAPID_PRIVATE },
    });
    expect(await refused(sendTestMessage(s.owner, { channel: "push", content: PUSH, to: "nobody" }))).toMatchObject({
      code: "validation",
      fields: [{ path: "to", message: 'No person with userId "nobody" in this workspace' }],
    });
    await s.driver.send([{ type: "identify", userId: "deviceless" }]);
    expect(await refused(sendTestMessage(s.owner, { channel: "push", content: PUSH, to: "deviceless" }))).toMatchObject(
      {
        code: "validation",
        fields: [{ path: "to", message: "deviceless has no device this workspace's push providers can reach" }],
      },
    );
    expect(await refused(sendTestMessage(s.owner, { channel: "in_app", content: IN_APP, to: "nobody" }))).toMatchObject(
      { code: "validation", fields: [{ path: "to" }] },
    );
    expect(
      await refused(sendTestMessage(s.owner, { channel: "sms", content: { body: "Hi" }, to: "555" })),
    ).toMatchObject({
      code: "validation",
      fields: [{ path: "to", message: "must be a phone number in E.164 form, e.g. +15551234567" }],
    });
  });

  it("in-app: lands in the inbox of the person with the userId given, marked as a test and outside every journey", async () => {
    const s: MessagingSetup = await setup(undefined, { channel: "in_app" });
    await s.driver.send([{ type: "identify", userId: "marketer-2" }]);
    expect(await sendTestMessage(s.owner, { channel: "in_app", content: IN_APP, to: "marketer-2" })).toEqual({
      to: "marketer-2's inbox",
      response: "In the inbox",
      outbox: false,
    });
    const { secret } = await createApiKey(s.owner, { name: "App", scope: "WRITE" });
    const inbox = await listInbox(
      await workspaceContextForApiKey(secret),
      "marketer-2",
      userHashFor((await getIdentityVerification(s.owner)).secret, "marketer-2"),
    );
    expect(inbox).toMatchObject({
      unread: 1,
      messages: [
        {
          title: "[Test] Welcome Ada",
          body: "New for you",
          cta: { label: "Open", url: "https://shop.example/app" },
          readAt: null,
        },
      ],
    });
    const row = await db().message.findFirstOrThrow({ where: { workspaceId: s.ctx.workspace.id } });
    expect(row).toMatchObject({
      channel: "in_app",
      status: "DELIVERED",
      journeyId: null,
      templateId: "test",
      sentAt: null,
      context: { test: true },
    });
  });
});
