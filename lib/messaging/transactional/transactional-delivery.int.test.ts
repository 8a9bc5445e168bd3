import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as sendRoute } from "@/app/api/v1/send/route";
import { db } from "../../db/client";
import { pgPool } from "../../db/pool";
import { callRoute } from "../../testing/call-route";
import { withEmbeddedOutbox } from "../../testing/embedded-outbox";
import { startSmtpSink, type SmtpSink } from "../../testing/local-provider-servers";
import { messageRow, queueFor, setup, timeline } from "../../testing/messaging-fixtures";
import { saveChannelConfig } from "../channel-config";
import { deliverMessage } from "../delivery";
import { recordClick, recordOpen, unsubscribe } from "../engagement";
import { savePolicy } from "../policy";
import { recordDeliveryEvents } from "../provider-events";
import { signLink } from "../tracking";
import { createTemplate } from "../templates/create-template";
import { selectDeliveryMessage } from "../store/deliveries";
import { deliverTransactionalNow } from "./deliver-transactional";
import { sendTransactional } from "./send-transactional";

/**
 * The transactional category in delivery: it skips frequency caps, quiet hours and marketing consent, never a
 * suppression; an address of no profile is sent to as an address alone; inline content and `data` render.
 */

withEmbeddedOutbox();

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});

const RECEIPT = {
  subject: "Order {{ data.order_id | required }}",
  html: '<p>Hi {{ profile.traits.first_name }}, order {{ data.order_id }}. <a href="https://shop.example/o">Track it</a></p>',
};

async function send(key: string, body: unknown): Promise<string> {
  const response = await callRoute(sendRoute, {
    method: "POST",
    path: "/api/v1/send",
    headers: { authorization: `Bearer ${key}` },
    body,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.body.id;
}

describe("the transactional category", () => {
  it("goes out over a frequency cap, in quiet hours and to a person unsubscribed from marketing, where marketing does not", async () => {
    const s = await setup(RECEIPT);
    const clock = s.driver.clock; // NOON: 12:00 UTC
    await savePolicy(s.owner, {
      frequencyCaps: [{ channel: "email", limit: 1, hours: 24 }],
      quietHours: { start: "11:00", end: "15:00", channels: ["email"], fallbackTimeZone: "UTC" },
    });
    await s.driver.send([
      {
        type: "identify",
        userId: "ada",
        traits: { email: "ada@example.com", first_name: "Ada", email_subscribe: "unsubscribed" },
      },
    ]);
    const receipt = { templateId: s.templateId, to: { userId: "ada" }, data: { order_id: "A1" } };
    const first = await send(s.fixture.key, receipt);
    const second = await send(s.fixture.key, { ...receipt, data: { order_id: "A2" } });
    expect(await deliverMessage(first, clock)).toMatchObject({ outcome: "sent" });
    expect(await deliverMessage(second, clock)).toMatchObject({ outcome: "sent" });
    expect((await messageRow(second)).category).toBe("transactional");

    // the same person's marketing message is held by all three
    const marketing = await queueFor(s, "ada", {});
    expect(await deliverMessage(marketing, clock)).toEqual({
      outcome: "suppressed",
      reason: "Unsubscribed from emails (trait email_subscribe)",
    });
  });

  it("transactional sends do not use up a marketing frequency cap, and quiet hours delay only marketing", async () => {
    // the journey sends the welcome email (marketing); the receipt template is sent through the API
    const s = await setup();
    const { id: receiptId } = await createTemplate(s.ctx, { name: "Receipt", channel: "email", content: RECEIPT });
    await savePolicy(s.owner, { frequencyCaps: [{ channel: "email", limit: 1, hours: 24 }] });
    await s.driver.send([{ type: "identify", userId: "bo", traits: { email: "bo@example.com", first_name: "Bo" } }]);
    for (const order of ["B1", "B2"])
      expect(
        await deliverMessage(
          await send(s.fixture.key, { templateId: receiptId, to: { userId: "bo" }, data: { order_id: order } }),
          s.driver.clock,
        ),
      ).toMatchObject({ outcome: "sent" });
    const marketing = await queueFor(s, "bo", {});
    expect(await deliverMessage(marketing, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const overCap = await queueFor(s, "bo", {});
    expect(await deliverMessage(overCap, s.driver.clock)).toMatchObject({ outcome: "suppressed" });

    await savePolicy(s.owner, {
      quietHours: { start: "11:00", end: "15:00", channels: ["email"], fallbackTimeZone: "UTC" },
    });
    const quiet = await queueFor(s, "bo", {});
    expect(await deliverMessage(quiet, s.driver.clock)).toMatchObject({ outcome: "delayed" });
    const urgent = await send(s.fixture.key, {
      templateId: receiptId,
      to: { userId: "bo" },
      data: { order_id: "B3" },
    });
    expect(await deliverMessage(urgent, s.driver.clock)).toMatchObject({ outcome: "sent" });
  });

  it("never goes to a suppressed address: a hard bounce, a complaint (by profile or by address alone)", async () => {
    const s = await setup(RECEIPT);
    await s.driver.send([{ type: "identify", userId: "cy", traits: { email: "Cy@Example.com", first_name: "Cy" } }]);
    await pgPool().query(
      `INSERT INTO "Suppression" ("workspaceId", channel, address, reason, "createdAt") VALUES ($1, 'email', 'cy@example.com', 'bounce', now()), ($1, 'email', 'spam@example.com', 'complaint', now())`,
      [s.ctx.workspace.id],
    );
    const bounced = await send(s.fixture.key, {
      templateId: s.templateId,
      to: { userId: "cy" },
      data: { order_id: "C" },
    });
    expect(await deliverMessage(bounced, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "cy@example.com is on the suppression list (bounce)",
    });
    const complained = await send(s.fixture.key, {
      channel: "email",
      content: { subject: "Hi", html: "<p>x</p>" },
      to: { email: "Spam@Example.com" },
    });
    expect(await deliverMessage(complained, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "spam@example.com is on the suppression list (complaint)",
    });
    expect(await db().outboxEmail.count({ where: { messageId: { in: [bounced, complained] } } })).toBe(0);
  });
});

describe("an address of no profile, over real SMTP", () => {
  it("sends inline content with its data to the address, without List-Unsubscribe, and records it on the message", async () => {
    const s = await setup(RECEIPT);
    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "smtp", fromAddress: "shop@shop.example", fromName: "Shop", host: sink.host, port: sink.port },
    });
    const before = sink.received.length;
    const id = await send(s.fixture.key, {
      channel: "email",
      content: {
        subject: "Reset your password",
        html: '<p>Hello {{ profile.email }}, <a href="{{ data.reset_url }}">reset it</a> within {{ data.minutes }} minutes.{{ unsubscribe_url }}</p>',
      },
      to: { email: "new.person@example.com" },
      data: { reset_url: "https://shop.example/reset?t=abc", minutes: 30 },
    });
    const queued = await messageRow(id);
    expect(queued).toMatchObject({
      profileId: null,
      to: "new.person@example.com",
      templateId: "inline",
      category: "transactional",
      status: "QUEUED",
    });

    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent", status: "SENT" });
    const [mail] = await sink.waitFor(before + 1);
    const received = sink.received[before] ?? mail;
    expect(received.envelope.to).toEqual(["new.person@example.com"]);
    expect(received.parsed.subject).toBe("Reset your password");
    expect(received.raw).not.toMatch(/^List-Unsubscribe/im);
    expect(received.raw).toMatch(new RegExp(`^X-Cairn-Message-Id: ${id}`, "im"));
    expect(received.parsed.html).toContain("Hello new.person@example.com");
    expect(received.parsed.html).toContain("within 30 minutes.</p>");
    // the link is tracked (opens and clicks show on the message) and leads to the reset URL
    expect(received.parsed.html).toContain(encodeURIComponent("https://shop.example/reset?t=abc"));

    const sent = await messageRow(id);
    expect(sent).toMatchObject({ status: "SENT", to: "new.person@example.com", templateVersion: null });
    expect(await timeline(id)).toEqual(["sent"]);
  });

  it("an email that is a live profile's is sent as that person (traits render)", async () => {
    const s = await setup(RECEIPT);
    await s.driver.send([{ type: "identify", userId: "dee", traits: { email: "dee@example.com", first_name: "Dee" } }]);
    const id = await send(s.fixture.key, {
      templateId: s.templateId,
      to: { email: "DEE@example.com" },
      data: { order_id: "D9" },
    });
    const profile = await db().profile.findFirstOrThrow({ where: { workspaceId: s.ctx.workspace.id, userId: "dee" } });
    expect((await messageRow(id)).profileId).toBe(profile.id);
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const mail = await db().outboxEmail.findFirstOrThrow({ where: { messageId: id } });
    expect(mail.subject).toBe("Order D9");
    expect(mail.raw).toContain("Hi Dee, order D9.");
    expect(mail.raw).not.toMatch(/^List-Unsubscribe/im);
  });

  it("an SMS to a phone of no profile keeps its address; without an SMS provider it fails with the reason", async () => {
    const s = await setup(RECEIPT);
    const id = await send(s.fixture.key, {
      channel: "sms",
      content: { body: "Code {{ data.code | required }}" },
      to: { phone: "+15550009999" },
      data: { code: "123456" },
    });
    expect(await deliverMessage(id, s.driver.clock)).toEqual({
      outcome: "failed",
      reason: "SMS isn't set up: configure a Twilio-compatible provider in Settings → Channels",
    });
    expect((await messageRow(id)).to).toBe("+15550009999");
  });

  it("opens, clicks, a hard bounce and a complaint on an address-only message are recorded without a person", async () => {
    const s = await setup(RECEIPT);
    const clock = s.driver.clock;
    const inline = { channel: "email", content: { subject: "Hi", html: "<p>x</p>" } };
    const opened = await send(s.fixture.key, { ...inline, to: { email: "eve@example.com" } });
    expect(await deliverMessage(opened, clock)).toMatchObject({ outcome: "sent" });
    expect(await recordOpen(signLink("open", opened), clock)).toBe(true);
    const url = "https://shop.example/o";
    expect(await recordClick(signLink("click", opened, url), url, clock)).toBe(url);
    expect(await messageRow(opened)).toMatchObject({ openedAt: expect.any(Date), clickedAt: expect.any(Date) });
    // no person: no consent to change, and no profile event was stored for anyone
    await unsubscribe(signLink("unsubscribe", opened), "link", clock);
    expect(await db().channelConsent.count({ where: { workspaceId: s.ctx.workspace.id } })).toBe(0);
    expect(await db().event.count({ where: { workspaceId: s.ctx.workspace.id, name: { startsWith: "Email" } } })).toBe(
      0,
    );

    const bounced = await send(s.fixture.key, { ...inline, to: { email: "gone@example.com" } });
    const complained = await send(s.fixture.key, { ...inline, to: { email: "angry@example.com" } });
    for (const id of [bounced, complained]) await deliverMessage(id, clock);
    expect(
      await recordDeliveryEvents(s.owner, {
        events: [
          { messageId: bounced, type: "bounced", bounceType: "hard", reason: "550 no such user" },
          { messageId: complained, type: "complained" },
        ],
      }),
    ).toEqual({ applied: 2 });
    expect((await messageRow(bounced)).status).toBe("BOUNCED");
    const suppressed = await db().suppression.findMany({
      where: { workspaceId: s.ctx.workspace.id },
      orderBy: { address: "asc" },
    });
    expect(suppressed.map((x) => [x.address, x.reason])).toEqual([
      ["angry@example.com", "complaint"],
      ["gone@example.com", "bounce"],
    ]);
    // and the next transactional message to either is suppressed
    const again = await send(s.fixture.key, { ...inline, to: { email: "gone@example.com" } });
    expect(await deliverMessage(again, clock)).toMatchObject({ outcome: "suppressed" });
  });
});

describe("delivery right after the answer", () => {
  it("starts from the message as the request stored it (the row delivery would read), sends it once, and a later delivery finds it done", async () => {
    const s = await setup(RECEIPT);
    await s.driver.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com", first_name: "Ada" } }]);
    const sent = await sendTransactional(s.ctx, {
      templateId: s.templateId,
      to: { userId: "ada" },
      data: { order_id: "A7" },
    });
    expect(sent.status).toBe(202);
    const queued = sent.queued!;
    expect(queued).toEqual(await selectDeliveryMessage(pgPool(), queued.id));

    await deliverTransactionalNow(queued);
    expect(await messageRow(queued.id)).toMatchObject({ status: "DELIVERED", attempts: 1 });
    expect((await messageRow(queued.id)).content).toMatchObject({ subject: "Order A7" });
    // the stale row handed in again (a replay) changes nothing: the lock reads the message as it is now
    expect(await deliverMessage(queued.id, s.driver.clock, queued)).toEqual({ outcome: "done", status: "DELIVERED" });
    expect(await db().outboxEmail.count({ where: { messageId: queued.id } })).toBe(1);
  });
});
