import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as eventsRoute } from "@/app/api/v1/messages/events/route";
import { POST as twilioStatusRoute } from "@/app/api/v1/providers/twilio/status/route";
import { createApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { callRoute } from "../testing/call-route";
import { ingestFixture } from "../testing/ingest-helpers";
import {
  startSmtpSink,
  startTwilioServer,
  twilioSignature,
  type SmtpSink,
  type TwilioServer,
} from "../testing/local-provider-servers";
import { messageRow, profileOf, queueFor, setup, timeline, type MessagingSetup } from "../testing/messaging-fixtures";
import { serveRoutes } from "../testing/serve-routes";
import { saveChannelConfig } from "./channel-config";
import { deliverMessage } from "./delivery";
import { closeSmtpTransports } from "./providers";

const STATUS_PATH = "/api/v1/providers/twilio/status";

let sink: SmtpSink;
let twilio: TwilioServer;
/** a second workspace's Twilio account, with its own auth token */
let twilioB: TwilioServer;
let cairn: { url: string; close(): Promise<void> };
const savedPublicUrl = process.env.CAIRN_PUBLIC_URL;
beforeAll(async () => {
  sink = await startSmtpSink();
  twilio = await startTwilioServer();
  twilioB = await startTwilioServer({
    accountSid: "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    authToken: "workspace-b-auth-token",
  });
  // Cairn's status callback route over real HTTP, at the public URL messages are sent with
  cairn = await serveRoutes({ [STATUS_PATH]: twilioStatusRoute });
  process.env.CAIRN_PUBLIC_URL = cairn.url;
});
afterAll(async () => {
  closeSmtpTransports();
  await Promise.all([sink.close(), twilio.close(), twilioB.close(), cairn.close()]);
  if (savedPublicUrl === undefined) delete process.env.CAIRN_PUBLIC_URL;
  else process.env.CAIRN_PUBLIC_URL = savedPublicUrl;
});

/** An email journey whose mail goes to the SMTP sink, so sent messages stay SENT until a report comes. */
async function emailSetup(): Promise<MessagingSetup> {
  const s = await setup();
  await saveChannelConfig(s.owner, "email", {
    settings: { mode: "smtp", fromAddress: "news@shop.example", host: sink.host, port: sink.port },
  });
  return s;
}

async function sendEmail(s: MessagingSetup, userId: string): Promise<string> {
  const id = await queueFor(s, userId, { email: `${userId}@example.com` });
  expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent", status: "SENT" });
  return id;
}

function report(s: MessagingSetup, events: unknown, key: Record<string, string> = s.fixture.bearer) {
  return callRoute(eventsRoute, {
    method: "POST",
    path: "/api/v1/messages/events",
    headers: key,
    body: Array.isArray(events) ? { events } : events,
  });
}

/** Everything a report may change: the message, its timeline, the workspace's suppressions and the person's consent. */
async function reportState(s: MessagingSetup, ids: string[]) {
  const messages = await db().message.findMany({
    where: { id: { in: ids } },
    orderBy: { id: "asc" },
    select: { id: true, status: true, statusReason: true, deliveredAt: true, updatedAt: true },
  });
  return {
    messages,
    timelines: await Promise.all(ids.map(timeline)),
    suppressions: await db().suppression.findMany({
      where: { workspaceId: s.ctx.workspace.id },
      orderBy: { address: "asc" },
    }),
    consent: await db().channelConsent.findMany({
      where: { workspaceId: s.ctx.workspace.id },
      orderBy: [{ profileId: "asc" }, { channel: "asc" }],
    }),
  };
}

async function suppressionsOf(s: MessagingSetup) {
  return (
    await db().suppression.findMany({ where: { workspaceId: s.ctx.workspace.id }, orderBy: { address: "asc" } })
  ).map((r) => ({
    channel: r.channel,
    address: r.address,
    reason: r.reason,
    detail: r.detail,
    messageId: r.messageId,
  }));
}

describe("POST /api/v1/messages/events", () => {
  it("delivered moves a SENT message to DELIVERED, by Cairn's id or the provider's; a replay adds nothing", async () => {
    const s = await emailSetup();
    const a = await sendEmail(s, "del-a");
    const b = await sendEmail(s, "del-b");
    const providerId = (await messageRow(b)).providerMessageId!;
    expect(providerId).toMatch(/@cairn>$/);

    const answer = await report(s, [
      { messageId: a, type: "delivered", reason: "250 OK", at: "2026-01-14T12:05:00Z" },
      { providerMessageId: providerId, type: "delivered" },
    ]);
    expect(answer).toMatchObject({ status: 200, body: { applied: 2 } });
    expect(await messageRow(a)).toMatchObject({ status: "DELIVERED", deliveredAt: new Date("2026-01-14T12:05:00Z") });
    expect((await messageRow(b)).status).toBe("DELIVERED");
    expect(await timeline(a)).toEqual(["sent", "delivered"]);
    expect((await db().messageEvent.findFirstOrThrow({ where: { messageId: a, type: "delivered" } })).detail).toEqual({
      response: "250 OK",
    });

    const before = await reportState(s, [a, b]);
    expect((await report(s, [{ messageId: a, type: "delivered", at: "2026-01-14T13:00:00Z" }])).status).toBe(200);
    expect(await reportState(s, [a, b])).toEqual(before);
  });

  it("a hard bounce bounces the message and suppresses the address; the next email to it is not sent", async () => {
    const s = await emailSetup();
    const id = await sendEmail(s, "hard");
    const answer = await report(s, [
      { messageId: id, type: "bounced", bounceType: "hard", reason: "550 5.1.1 user unknown" },
    ]);
    expect(answer).toMatchObject({ status: 200, body: { applied: 1 } });
    expect(await messageRow(id)).toMatchObject({ status: "BOUNCED", statusReason: "550 5.1.1 user unknown" });
    expect(await timeline(id)).toEqual(["sent", "bounced"]);
    expect(await suppressionsOf(s)).toEqual([
      {
        channel: "email",
        address: "hard@example.com",
        reason: "bounce",
        detail: "550 5.1.1 user unknown",
        messageId: id,
      },
    ]);

    // without bounceType a bounce is hard; a replay adds nothing
    const before = await reportState(s, [id]);
    expect((await report(s, [{ messageId: id, type: "bounced" }])).status).toBe(200);
    expect(await reportState(s, [id])).toEqual(before);

    const next = await queueFor(s, "hard", {});
    const sinkBefore = sink.received.length;
    expect(await deliverMessage(next, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "hard@example.com is on the suppression list (bounce)",
    });
    expect(sink.received.length).toBe(sinkBefore);
  });

  it("a soft bounce ends the message but does not suppress the address", async () => {
    const s = await emailSetup();
    const id = await sendEmail(s, "soft");
    expect((await report(s, [{ messageId: id, type: "bounced", bounceType: "soft" }])).status).toBe(200);
    expect(await messageRow(id)).toMatchObject({ status: "BOUNCED", statusReason: "Soft bounce" });
    expect((await db().messageEvent.findFirstOrThrow({ where: { messageId: id, type: "bounced" } })).detail).toEqual({
      reason: "Soft bounce",
      bounceType: "soft",
    });
    expect(await suppressionsOf(s)).toEqual([]);
    const next = await queueFor(s, "soft", {});
    expect(await deliverMessage(next, s.driver.clock)).toMatchObject({ outcome: "sent" });
  });

  it("failed ends the message without suppressing", async () => {
    const s = await emailSetup();
    const id = await sendEmail(s, "failing");
    expect((await report(s, [{ messageId: id, type: "failed" }])).status).toBe(200);
    expect(await messageRow(id)).toMatchObject({ status: "FAILED", statusReason: "The provider could not deliver it" });
    expect(await suppressionsOf(s)).toEqual([]);
  });

  it("a complaint suppresses the address and unsubscribes the person from the channel, once", async () => {
    const s = await emailSetup();
    const id = await sendEmail(s, "spam");
    expect(
      (
        await report(s, [
          { messageId: id, type: "delivered" },
          { messageId: id, type: "complained", reason: "abuse report" },
        ])
      ).status,
    ).toBe(200);
    expect((await messageRow(id)).status).toBe("DELIVERED");
    expect(await timeline(id)).toEqual(["sent", "delivered", "complained"]);
    expect(await suppressionsOf(s)).toEqual([
      { channel: "email", address: "spam@example.com", reason: "complaint", detail: "abuse report", messageId: id },
    ]);
    const profile = await profileOf(s.ctx.workspace.id, "spam");
    expect(
      await db().channelConsent.findMany({
        where: { profileId: profile.id },
        select: { channel: true, status: true, source: true },
      }),
    ).toEqual([{ channel: "email", status: "unsubscribed", source: "complaint" }]);

    const before = await reportState(s, [id]);
    expect((await report(s, [{ messageId: id, type: "complained" }])).status).toBe(200);
    expect((await reportState(s, [id])).timelines).toEqual(before.timelines);

    const next = await queueFor(s, "spam", {});
    expect(await deliverMessage(next, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "spam@example.com is on the suppression list (complaint)",
    });
  });

  it("one unknown message in a batch: 422 naming it, and nothing of the batch is applied", async () => {
    const s = await emailSetup();
    const a = await sendEmail(s, "batch-a");
    const b = await sendEmail(s, "batch-b");
    const other = await emailSetup();
    const foreign = await sendEmail(other, "foreign");
    const before = await reportState(s, [a, b]);
    const foreignBefore = await reportState(other, [foreign]);

    const answer = await report(s, [
      { messageId: a, type: "bounced" },
      { messageId: randomUUID(), type: "delivered" },
      { messageId: b, type: "complained" },
      { providerMessageId: "<nope@cairn>", type: "delivered" },
      { messageId: foreign, type: "bounced" },
    ]);
    expect(answer.status).toBe(422);
    expect(answer.body.error.fields).toEqual([
      { path: "events.1", message: "no message of this workspace has this id" },
      { path: "events.3", message: "no message of this workspace has this id" },
      { path: "events.4", message: "no message of this workspace has this id" },
    ]);
    expect(await reportState(s, [a, b])).toEqual(before);
    expect(await reportState(other, [foreign])).toEqual(foreignBefore);
  });

  it("needs a full key: a write key is 403, no key 401", async () => {
    const s = await emailSetup();
    const id = await sendEmail(s, "keys");
    const before = await reportState(s, [id]);
    const { secret } = await createApiKey(s.owner, { name: "Website", scope: "WRITE" });
    const write = await report(s, [{ messageId: id, type: "bounced" }], { authorization: `Bearer ${secret}` });
    expect(write.status).toBe(403);
    expect(write.body.error).toEqual({
      code: "forbidden",
      message: "This API key has the write scope (ingestion only); this endpoint needs a key with the full scope.",
    });
    expect((await report(s, [{ messageId: id, type: "bounced" }], {})).status).toBe(401);
    // a full key of another workspace cannot touch this workspace's messages
    expect((await report(s, [{ messageId: id, type: "bounced" }], (await ingestFixture("FULL")).bearer)).status).toBe(
      422,
    );
    expect(await reportState(s, [id])).toEqual(before);
  });

  it("validation errors name each field, and nothing is applied", async () => {
    const s = await emailSetup();
    const id = await sendEmail(s, "valid");
    const before = await reportState(s, [id]);
    const fields = async (body: unknown) => {
      const answer = await report(s, body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      return answer.body.error.fields;
    };
    expect(await fields({ events: [] })).toEqual([{ path: "events", message: "send at least one event" }]);
    expect(await fields({})).toEqual([
      { path: "events", message: "Invalid input: expected array, received undefined" },
    ]);
    expect(await fields({ events: [{ type: "delivered" }] })).toEqual([
      { path: "events.0.messageId", message: "give messageId or providerMessageId" },
    ]);
    expect(
      await fields({
        events: [
          { messageId: id, type: "delivered" },
          {
            messageId: "not-an-id",
            type: "opened",
            bounceType: "permanent",
            at: "yesterday",
            reason: "x".repeat(1001),
          },
        ],
      }),
    ).toEqual([
      { path: "events.1.messageId", message: "must be a Cairn message id (the X-Cairn-Message-Id header of the mail)" },
      { path: "events.1.type", message: "must be one of delivered, bounced, complained, failed" },
      { path: "events.1.reason", message: "at most 1,000 characters" },
      { path: "events.1.bounceType", message: 'must be "hard" or "soft"' },
      { path: "events.1.at", message: "must be an ISO 8601 date-time" },
    ]);
    expect(await fields({ events: [{ messageId: id, type: "delivered", extra: 1 }] })).toEqual([
      { path: "events.0", message: 'Unrecognized key: "extra"' },
    ]);
    expect(await fields({ events: Array.from({ length: 501 }, () => ({ messageId: id, type: "delivered" })) })).toEqual(
      [{ path: "events", message: "at most 500 events per request" }],
    );
    const broken = await callRoute(eventsRoute, {
      method: "POST",
      headers: { ...s.fixture.bearer, "content-type": "application/json" },
      rawBody: "{",
    });
    expect(broken.status).toBe(400);
    expect(await reportState(s, [id])).toEqual(before);
  });
});

describe("Twilio status callbacks", () => {
  async function smsSetup(): Promise<MessagingSetup> {
    const s = await setup(undefined, { channel: "sms" });
    await saveChannelConfig(s.owner, "sms", {
      settings: { baseUrl: twilio.url, accountSid: twilio.accountSid, from: "+15005550006" },
      secrets: { authToken: twilio.authToken },
    });
    return s;
  }

  async function sendSms(s: MessagingSetup, userId: string, phone: string): Promise<{ id: string; sid: string }> {
    const id = await queueFor(s, userId, { phone, first_name: userId });
    const result = await deliverMessage(id, s.driver.clock);
    expect(result).toMatchObject({ outcome: "sent", status: "SENT" });
    const sid = (result as { providerMessageId: string }).providerMessageId;
    // the callback URL names the sending workspace: its report is judged by that workspace's auth token
    expect(twilio.received.find((r) => r.sid === sid)?.form.StatusCallback).toBe(
      `${cairn.url}${STATUS_PATH}?workspace=${s.ctx.workspace.id}`,
    );
    return { id, sid };
  }

  it("delivered, signed by Twilio and posted over HTTP, marks the SMS delivered", async () => {
    const s = await smsSetup();
    const { id, sid } = await sendSms(s, "sms-ok", "+15551230001");
    expect(await twilio.sendStatusCallback(sid, "sent")).toEqual({ status: 200, body: '{"applied":false}' });
    expect((await messageRow(id)).status).toBe("SENT");
    expect(await twilio.sendStatusCallback(sid, "delivered")).toEqual({ status: 200, body: '{"applied":true}' });
    const m = await messageRow(id);
    expect(m.status).toBe("DELIVERED");
    expect(m.deliveredAt).toBeInstanceOf(Date);
    expect(await timeline(id)).toEqual(["sent", "delivered"]);
    // Twilio retries callbacks: a repeat changes nothing
    expect((await twilio.sendStatusCallback(sid, "delivered")).status).toBe(200);
    expect(await timeline(id)).toEqual(["sent", "delivered"]);
  });

  it("failed with 30006 (landline or unreachable carrier) bounces the SMS and suppresses the number", async () => {
    const s = await smsSetup();
    const { id, sid } = await sendSms(s, "sms-dead", "+15551230002");
    expect(await twilio.sendStatusCallback(sid, "failed", 30006)).toEqual({ status: 200, body: '{"applied":true}' });
    expect(await messageRow(id)).toMatchObject({ status: "BOUNCED", statusReason: "Twilio error 30006" });
    expect(await suppressionsOf(s)).toEqual([
      { channel: "sms", address: "+15551230002", reason: "bounce", detail: "Twilio error 30006", messageId: id },
    ]);
    const next = await queueFor(s, "sms-dead", {});
    expect(await deliverMessage(next, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "+15551230002 is on the suppression list (bounce)",
    });
  });

  it("undelivered with 30003 (handset switched off) fails the SMS but keeps the number", async () => {
    const s = await smsSetup();
    const { id, sid } = await sendSms(s, "sms-off", "+15551230003");
    expect((await twilio.sendStatusCallback(sid, "undelivered", 30003)).status).toBe(200);
    expect(await messageRow(id)).toMatchObject({ status: "FAILED", statusReason: "Twilio error 30003" });
    expect(await suppressionsOf(s)).toEqual([]);
  });

  it("a wrong or missing signature is 401 and changes nothing; an unknown SID is acknowledged and ignored", async () => {
    const s = await smsSetup();
    const { id, sid } = await sendSms(s, "sms-forged", "+15551230004");
    const params = {
      AccountSid: twilio.accountSid,
      MessageSid: sid,
      MessageStatus: "failed",
      ErrorCode: "30006",
      To: "+15551230004",
    };
    const url = `${cairn.url}${STATUS_PATH}`;
    const post = (signature: string | null, body = params) =>
      callRoute(twilioStatusRoute, {
        method: "POST",
        path: STATUS_PATH,
        rawBody: new URLSearchParams(body).toString(),
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(signature === null ? {} : { "x-twilio-signature": signature }),
        },
      });
    const before = await reportState(s, [id]);
    for (const signature of [
      null,
      "",
      "bm9wZQ==",
      twilioSignature("someone-elses-token", url, params),
      twilioSignature(twilio.authToken, "http://localhost:3000/elsewhere", params),
      twilioSignature(twilio.authToken, url, { ...params, ErrorCode: "30003" }),
    ]) {
      const answer = await post(signature);
      expect(answer.status, String(signature)).toBe(401);
      expect(answer.body.error).toEqual({
        code: "unauthenticated",
        message: "Missing or wrong X-Twilio-Signature for this account.",
      });
    }
    expect(await reportState(s, [id])).toEqual(before);

    // the same request correctly signed, over the in-process call, is applied (the URL signed is the public one)
    expect(await post(twilioSignature(twilio.authToken, url, params))).toMatchObject({
      status: 200,
      body: { applied: true },
    });
    expect((await messageRow(id)).status).toBe("BOUNCED");

    const unknown = { ...params, MessageSid: `SM${"0".repeat(32)}` };
    expect(await post(twilioSignature(twilio.authToken, url, unknown), unknown)).toMatchObject({
      status: 200,
      body: { applied: false },
    });
    const noSid = await post("x", { MessageStatus: "delivered" } as typeof params);
    expect(noSid.status).toBe(422);
    expect(noSid.body.error.fields).toEqual([{ path: "MessageSid", message: "is required" }]);
  });

  it("a report is scoped to the workspace in its URL: A's SID sent to B's URL or signed with B's token changes nothing, a SID both have changes only the URL's workspace, an unknown SID answers at once", async () => {
    const a = await smsSetup();
    const { id: aId, sid: aSid } = await sendSms(a, "scope-a", "+15551230010");
    const b = await setup(undefined, { channel: "sms" });
    await saveChannelConfig(b.owner, "sms", {
      settings: { baseUrl: twilioB.url, accountSid: twilioB.accountSid, from: "+15005550006" },
      secrets: { authToken: twilioB.authToken },
    });
    const bId = await queueFor(b, "scope-b", { phone: "+15551230011" });
    expect(await deliverMessage(bId, b.driver.clock)).toMatchObject({ outcome: "sent", status: "SENT" });

    const urlOf = (workspaceId: string | null) =>
      `${cairn.url}${STATUS_PATH}${workspaceId === null ? "" : `?workspace=${workspaceId}`}`;
    const post = (workspaceId: string | null, token: string, params: Record<string, string>) =>
      callRoute(twilioStatusRoute, {
        method: "POST",
        path: `${STATUS_PATH}${workspaceId === null ? "" : `?workspace=${workspaceId}`}`,
        rawBody: new URLSearchParams(params).toString(),
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": twilioSignature(token, urlOf(workspaceId), params),
        },
      });
    const failed = {
      AccountSid: twilio.accountSid,
      MessageSid: aSid,
      MessageStatus: "failed",
      ErrorCode: "30006",
      To: "+15551230010",
    };
    const before = await reportState(a, [aId]);

    // A's SID at B's URL, correctly signed by B: B has no such message, so nothing changes anywhere
    expect(await post(b.ctx.workspace.id, twilioB.authToken, failed)).toMatchObject({
      status: 200,
      body: { applied: false },
    });
    // A's SID at A's URL (or the bare URL) signed with B's token: refused
    expect((await post(a.ctx.workspace.id, twilioB.authToken, failed)).status).toBe(401);
    expect((await post(null, twilioB.authToken, failed)).status).toBe(401);
    // a workspace id that is not one, or one without SMS: refused the same way
    expect((await post("not-a-workspace", twilio.authToken, failed)).status).toBe(401);
    expect((await post(randomUUID(), twilio.authToken, failed)).status).toBe(401);
    expect(await reportState(a, [aId])).toEqual(before);

    // B's server made up a SID A also has: B's report changes B's message and not A's
    await pgPool().query(`UPDATE "Message" SET "providerMessageId" = $1 WHERE id = $2`, [aSid, bId]);
    const delivered = {
      AccountSid: twilioB.accountSid,
      MessageSid: aSid,
      MessageStatus: "delivered",
      To: "+15551230011",
    };
    expect(await post(b.ctx.workspace.id, twilioB.authToken, delivered)).toMatchObject({
      status: 200,
      body: { applied: true },
    });
    expect((await messageRow(bId)).status).toBe("DELIVERED");
    expect(
      await post(null, twilioB.authToken, { ...delivered, MessageStatus: "undelivered", ErrorCode: "30003" }),
    ).toMatchObject({ status: 200, body: { applied: true } });
    expect(await reportState(a, [aId])).toEqual(before);

    // an unknown SID is acknowledged at once (no waiting for it to appear) and changes nothing
    const unknown = { ...failed, MessageSid: `SM${"f".repeat(32)}` };
    const started = Date.now();
    expect(await post(a.ctx.workspace.id, twilio.authToken, unknown)).toMatchObject({
      status: 200,
      body: { applied: false },
    });
    expect(await post(null, twilio.authToken, unknown)).toMatchObject({ status: 200, body: { applied: false } });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await reportState(a, [aId])).toEqual(before);
  });
});
