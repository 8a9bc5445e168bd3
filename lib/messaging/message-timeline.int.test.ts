import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as unsubscribeRoute } from "@/app/api/v1/unsubscribe/[token]/route";
import { callRoute } from "../testing/call-route";
import { contextOf } from "../testing/factories";
import { startTwilioServer, type TwilioServer } from "../testing/local-provider-servers";
import { messageRow, queueFor, setup } from "../testing/messaging-fixtures";
import { saveChannelConfig } from "./channel-config";
import { claimDueMessages, deliverMessage, MAX_ATTEMPTS, retryBackoffMs } from "./delivery";
import { getMessage } from "./messages";
import { savePolicy } from "./policy";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";

withEmbeddedOutbox();

/**
 * The message page's status timeline (app/w/[slug]/messages/[id]/page.tsx reads `getMessage`): a message
 * delayed by quiet hours, one retried after a retryable provider error, and one suppressed because the
 * person unsubscribed each carry the exact reason on their timeline entries, and the timeline comes back
 * oldest first, starting with "queued". (Mail to the embedded SMTP server is marked delivered while the send
 * is still in progress, so the "delivered" row is stored before the "sent" row: order comes from the times.)
 */

let twilio: TwilioServer;
beforeAll(async () => {
  twilio = await startTwilioServer();
});
afterAll(async () => {
  await twilio.close();
});

type Timeline = Awaited<ReturnType<typeof getMessage>>["timeline"];

function expectOldestFirst(timeline: Timeline): void {
  const times = timeline.map((e) => Date.parse(e.at));
  expect(times).toEqual([...times].sort((a, b) => a - b));
}

describe("a message's status timeline with reasons (getMessage, as the message page shows it)", () => {
  it("a message delayed by quiet hours: a 'delayed' entry with the quiet hours and zone, then sent and delivered at 08:00 Paris", async () => {
    const s = await setup();
    const viewer = await contextOf(s.fixture.team, "VIEWER");
    await savePolicy(s.owner, { quietHours: { start: "21:00", end: "08:00", channels: ["email"] } });
    s.driver.now = new Date("2026-01-14T21:30:00.000Z"); // 22:30 in Paris
    const id = await queueFor(
      s,
      "night",
      { email: "night@example.com", first_name: "Nia" },
      { timezone: "Europe/Paris" },
    );
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "delayed" });

    const waiting = await getMessage(viewer, id);
    expect(waiting).toMatchObject({ status: "QUEUED", sendAfter: "2026-01-15T07:00:00.000Z" });
    expect(waiting.timeline).toEqual([
      { type: "queued", at: "2026-01-14T21:30:00.000Z", detail: {} },
      {
        type: "delayed",
        at: "2026-01-14T21:30:00.000Z",
        detail: { reason: "Quiet hours 21:00–08:00 in Europe/Paris", until: "2026-01-15T07:00:00.000Z" },
      },
    ]);

    s.driver.now = new Date("2026-01-15T07:00:00.000Z");
    expect((await claimDueMessages(s.driver.now)).map((m) => m.id)).toContain(id);
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });

    const sent = await getMessage(viewer, id);
    expect(sent.status).toBe("DELIVERED");
    expect(sent.timeline.map((e) => e.type)).toEqual(["queued", "delayed", "sent", "delivered"]);
    expect(sent.timeline[1].detail).toEqual({
      reason: "Quiet hours 21:00–08:00 in Europe/Paris",
      until: "2026-01-15T07:00:00.000Z",
    });
    expect(sent.timeline[2]).toMatchObject({
      at: "2026-01-15T07:00:00.000Z",
      detail: { provider: "outbox", to: "night@example.com", attempt: 1 },
    });
    expectOldestFirst(sent.timeline);
  });

  it("a message retried after a retryable provider error: a 'retry' entry with the provider's answer and the attempt, then sent", async () => {
    const s = await setup(undefined, { channel: "sms" });
    const viewer = await contextOf(s.fixture.team, "VIEWER");
    await saveChannelConfig(s.owner, "sms", {
      settings: { baseUrl: twilio.url, accountSid: twilio.accountSid, from: "+15005550006" },
      secrets: { authToken: twilio.authToken },
    });
    const id = await queueFor(s, "flaky", { phone: "+15550100042", first_name: "Flo" });
    twilio.failNext(1, 503);
    const queuedAt = s.driver.now.toISOString();
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "retry", attempt: 1 });

    const reason = "The provider answered: Twilio 503 (error 20500): Service Unavailable";
    const retryAt = new Date(s.driver.now.getTime() + retryBackoffMs(1)).toISOString();
    const waiting = await getMessage(viewer, id);
    expect(waiting).toMatchObject({ status: "QUEUED", statusReason: reason, sendAfter: retryAt, attempts: 1 });
    expect(waiting.timeline).toEqual([
      { type: "queued", at: queuedAt, detail: {} },
      { type: "retry", at: queuedAt, detail: { reason, attempt: 1, of: MAX_ATTEMPTS, retryAt } },
    ]);

    s.driver.advanceTime(retryBackoffMs(1));
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const sent = await getMessage(viewer, id);
    expect(sent).toMatchObject({ status: "SENT", statusReason: null, attempts: 2 });
    expect(sent.timeline.map((e) => [e.type, e.at])).toEqual([
      ["queued", queuedAt],
      ["retry", queuedAt],
      ["sent", retryAt],
    ]);
    expect(sent.timeline[1].detail).toEqual({ reason, attempt: 1, of: MAX_ATTEMPTS, retryAt });
    expect(sent.timeline[2].detail).toMatchObject({ provider: "twilio", to: "+15550100042", attempt: 2 });
  });

  it("a message to a person who unsubscribed (one-click, from the previous email): a 'suppressed' entry saying so, and nothing sent", async () => {
    const s = await setup();
    const viewer = await contextOf(s.fixture.team, "VIEWER");
    const first = await queueFor(s, "leaver", { email: "leaver@example.com", first_name: "Lee" });
    expect(await deliverMessage(first, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const headers = ((await messageRow(first)).content as { headers: Record<string, string> }).headers;
    const token = /^<http:\/\/localhost:3000\/api\/v1\/unsubscribe\/([^>]+)>$/.exec(headers["List-Unsubscribe"])![1];
    const answer = await callRoute(unsubscribeRoute, {
      method: "POST",
      params: { token },
      rawBody: "List-Unsubscribe=One-Click",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(answer.status).toBe(200);

    s.driver.advanceTime(60_000);
    const second = await queueFor(s, "leaver", {});
    const reason = "Unsubscribed from emails";
    expect(await deliverMessage(second, s.driver.clock)).toEqual({ outcome: "suppressed", reason });

    const message = await getMessage(viewer, second);
    expect(message).toMatchObject({
      status: "SUPPRESSED",
      statusReason: reason,
      attempts: 0,
      content: null,
      provider: null,
    });
    expect(message.timeline).toEqual([
      { type: "queued", at: s.driver.now.toISOString(), detail: {} },
      { type: "suppressed", at: s.driver.now.toISOString(), detail: { reason } },
    ]);
    expect((await messageRow(second)).sentAt).toBeNull();
  });
});
