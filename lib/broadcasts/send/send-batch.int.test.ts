import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db/client";
import { pgPool } from "../../db/pool";
import { retryBackoffMs } from "../../messaging/delivery";
import { savePolicy } from "../../messaging/policy";
import { closeSmtpTransports, messageIdFor } from "../../messaging/providers/smtp";
import { startSmtpSink, type SmtpSink } from "../../testing/local-provider-servers";
import { sendBroadcastBatch } from "./send-batch";
import { sendFixture, statuses, testClock } from "./send-test-fixtures";

const HOUR = 3_600_000;

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  closeSmtpTransports();
  await sink.close();
});

async function events(messageId: string) {
  const rows = await db().messageEvent.findMany({ where: { messageId }, orderBy: [{ at: "asc" }, { id: "asc" }] });
  return rows.map((r) => ({ type: r.type, detail: r.detail as Record<string, unknown> }));
}
const message = (id: string) => db().message.findUniqueOrThrow({ where: { id } });
const receivedBy = (address: string) => sink.received.filter((m) => m.envelope.to.includes(address));

describe("a batch of a broadcast", () => {
  it("claims, renders each person's email, sends it and records it as delivery.ts does", async () => {
    const f = await sendFixture({ smtpPort: sink.port, people: 30 });
    const clock = testClock();
    const outcome = await sendBroadcastBatch(f.broadcastId, clock, { limit: 20 });
    expect(outcome).toMatchObject({ claimed: 20, sent: 20, suppressed: 0, failed: 0, retried: 0, skipped: 0 });
    expect(await statuses(f.broadcastId)).toEqual({ SENT: 20, QUEUED: 10 });

    const second = await sendBroadcastBatch(f.broadcastId, clock, { limit: 20 });
    expect(second).toMatchObject({ claimed: 10, sent: 10 });
    expect(await statuses(f.broadcastId)).toEqual({ SENT: 30 });

    const first = await message(f.messageIds[0]);
    expect(first).toMatchObject({ status: "SENT", to: "reader-0@example.com", provider: "smtp", templateVersion: 1 });
    expect(first.attempts).toBe(1);
    expect(first.claimedUntil).toBeNull();
    expect((first.content as { subject: string }).subject).toBe("Hello Reader0");
    const mails = receivedBy("reader-0@example.com");
    expect(mails).toHaveLength(1);
    expect(mails[0].parsed.subject).toBe("Hello Reader0");
    expect(mails[0].messageId).toBe(messageIdFor(`b:${f.broadcastId}:${f.profileIds[0]}`));
    expect(mails[0].parsed.html).toContain("Hi Reader0 from Lyon");
    const timeline = await events(f.messageIds[0]);
    expect(timeline).toEqual([
      {
        type: "sent",
        detail: expect.objectContaining({ provider: "smtp", to: "reader-0@example.com", attempt: 1 }),
      },
    ]);
    // nothing left: a third batch claims nothing
    expect((await sendBroadcastBatch(f.broadcastId, clock, { limit: 20 })).claimed).toBe(0);
  });

  it("stops what delivery's checks stop: no email, a suppressed address, an unsubscribe, a cap, quiet hours", async () => {
    const f = await sendFixture({
      smtpPort: sink.port,
      people: [
        { email: "fine@example.com", traits: { first_name: "Fine" } },
        { email: null, traits: { first_name: "NoMail" } },
        { email: "Listed@Example.com", traits: { first_name: "Listed" } },
        { email: "gone@example.com", traits: { first_name: "Gone", email_subscribe: "unsubscribed" } },
        { email: "capped@example.com", traits: { first_name: "Capped" } },
        { email: "asleep@example.com", traits: { first_name: "Asleep" }, timezone: "Pacific/Kiritimati" },
        { email: "consent@example.com", traits: { first_name: "Consent" } },
      ],
    });
    const clock = testClock();
    const now = clock();
    await db().suppression.create({
      data: {
        workspaceId: f.workspaceId,
        channel: "email",
        address: "listed@example.com",
        reason: "bounce",
        createdAt: now,
      },
    });
    await db().channelConsent.create({
      data: {
        workspaceId: f.workspaceId,
        profileId: f.profileIds[6],
        channel: "email",
        status: "unsubscribed",
        source: "preference_page",
        updatedAt: now,
      },
    });
    // the capped person got an email an hour ago; the cap is one a day
    await db().message.create({
      data: {
        workspaceId: f.workspaceId,
        profileId: f.profileIds[4],
        channel: "email",
        templateId: f.templateId,
        idempotencyKey: `earlier-${f.profileIds[4]}`,
        status: "SENT",
        sentAt: new Date(now.getTime() - HOUR),
      },
    });
    // quiet hours: the whole day except the hour it is now in UTC, so only people in UTC-ish zones are awake
    const utcHour = now.getUTCHours();
    const hh = (h: number) => `${String(h % 24).padStart(2, "0")}:00`;
    await savePolicy(f.owner, {
      frequencyCaps: [{ channel: "email", limit: 1, hours: 24 }],
      quietHours: { start: hh(utcHour + 1), end: hh(utcHour), channels: ["email"], fallbackTimeZone: "UTC" },
    });

    const outcome = await sendBroadcastBatch(f.broadcastId, clock, { limit: 50 });
    expect(outcome).toMatchObject({ claimed: 7, sent: 1, suppressed: 5, delayed: 1, failed: 0 });
    const reasons = await Promise.all(f.messageIds.map(async (id) => (await message(id)).statusReason));
    const states = await Promise.all(f.messageIds.map(async (id) => (await message(id)).status));
    expect(states).toEqual(["SENT", "SUPPRESSED", "SUPPRESSED", "SUPPRESSED", "SUPPRESSED", "QUEUED", "SUPPRESSED"]);
    expect(reasons.slice(1, 5)).toEqual([
      "No email address on the profile",
      "listed@example.com is on the suppression list (bounce)",
      "Unsubscribed from emails (trait email_subscribe)",
      "Frequency cap: at most 1 email per day (1 already)",
    ]);
    expect(reasons[6]).toBe("Unsubscribed from emails");
    expect((await events(f.messageIds[1])).map((e) => e.type)).toEqual(["suppressed"]);

    // quiet hours: a wait, not an attempt; the claim is released and the message is due at the end
    const asleep = await message(f.messageIds[5]);
    expect(asleep.claimedUntil).toBeNull();
    expect(asleep.attempts).toBe(0);
    expect(asleep.sendAfter!.getTime()).toBeGreaterThan(now.getTime());
    const delayed = await events(f.messageIds[5]);
    expect(delayed).toEqual([
      {
        type: "delayed",
        detail: {
          reason: expect.stringMatching(/^Quiet hours .* in Pacific\/Kiritimati$/),
          until: asleep.sendAfter!.toISOString(),
        },
      },
    ]);
    expect((await sendBroadcastBatch(f.broadcastId, clock, { limit: 50 })).claimed).toBe(0);
    expect(receivedBy("asleep@example.com")).toHaveLength(0);
  });

  it("retries a temporary SMTP failure after the backoff, then sends", async () => {
    const f = await sendFixture({ smtpPort: sink.port, people: [{ email: "later@example.com" }] });
    const clock = testClock();
    sink.failNext(1, 451);
    expect(await sendBroadcastBatch(f.broadcastId, clock, { limit: 10 })).toMatchObject({ claimed: 1, retried: 1 });
    const waiting = await message(f.messageIds[0]);
    expect(waiting).toMatchObject({ status: "QUEUED", attempts: 1, claimedUntil: null });
    expect(waiting.sendAfter!.getTime()).toBe(clock().getTime() + retryBackoffMs(1));
    expect(waiting.statusReason).toMatch(/^The provider answered: SMTP RCPT TO failed: 451/);
    expect((await events(f.messageIds[0]))[0]).toMatchObject({ type: "retry", detail: { attempt: 1, of: 6 } });

    // not before the backoff
    clock.advance(retryBackoffMs(1) - 1_000);
    expect((await sendBroadcastBatch(f.broadcastId, clock, { limit: 10 })).claimed).toBe(0);
    clock.advance(1_000);
    expect(await sendBroadcastBatch(f.broadcastId, clock, { limit: 10 })).toMatchObject({ claimed: 1, sent: 1 });
    expect(await message(f.messageIds[0])).toMatchObject({ status: "SENT", attempts: 2, statusReason: null });
    expect(receivedBy("later@example.com")).toHaveLength(1);
  });

  it("bounces a permanent 550 and suppresses the address", async () => {
    const f = await sendFixture({
      smtpPort: sink.port,
      people: [{ email: "nobody@example.com" }, { email: "ok@example.com" }],
    });
    sink.rejectRecipient("nobody@example.com");
    const outcome = await sendBroadcastBatch(f.broadcastId, testClock(), { limit: 10 });
    expect(outcome).toMatchObject({ claimed: 2, sent: 1, bounced: 1 });
    const bounced = await message(f.messageIds[0]);
    expect(bounced.status).toBe("BOUNCED");
    expect(bounced.statusReason).toMatch(/^The provider answered: SMTP RCPT TO failed: 550/);
    const listed = await db().suppression.findMany({ where: { workspaceId: f.workspaceId } });
    expect(listed.map((s) => [s.address, s.reason, s.messageId])).toEqual([
      ["nobody@example.com", "invalid_address", f.messageIds[0]],
    ]);
    expect((await events(f.messageIds[0])).map((e) => e.type)).toEqual(["bounced"]);
  });

  it("fails the messages of a template that runs past the render budget, without a retry", async () => {
    const runaway = {
      subject: "Hi {{ profile.traits.first_name }}",
      html: "{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}x{% endfor %}{% endfor %}{% endfor %}",
    };
    const f = await sendFixture({ smtpPort: sink.port, people: 2, content: runaway });
    const outcome = await sendBroadcastBatch(f.broadcastId, testClock(), { limit: 10 });
    expect(outcome).toMatchObject({ claimed: 2, sent: 0, failed: 2, retried: 0 });
    const failed = await message(f.messageIds[0]);
    expect(failed.status).toBe("FAILED");
    expect(failed.statusReason).toMatch(/^Rendering failed: html: Liquid error: the template took longer than/);
    expect(failed.sendAfter).toBeNull();
  }, 30_000);

  it("puts in-app messages in their inboxes: DELIVERED at once", async () => {
    const f = await sendFixture({
      channel: "in_app",
      people: [{ userId: "inbox-ada", traits: { first_name: "Ada" } }],
      content: {
        title: "Hi {{ profile.traits.first_name }}",
        body: "News",
        cta: { label: "Open", url: "myapp://news" },
      },
    });
    expect(await sendBroadcastBatch(f.broadcastId, testClock(), { limit: 10 })).toMatchObject({
      claimed: 1,
      delivered: 1,
    });
    const row = await message(f.messageIds[0]);
    expect(row).toMatchObject({ status: "DELIVERED", provider: "inbox", to: "inbox-ada" });
    expect((row.content as { title: string }).title).toBe("Hi Ada");
    expect(await events(f.messageIds[0])).toEqual([
      { type: "delivered", detail: { response: "In the inbox of inbox-ada" } },
    ]);
  });

  it("does not take a cancelled message", async () => {
    const f = await sendFixture({ smtpPort: sink.port, people: [{ email: null }, { email: "x@example.com" }] });
    await pgPool().query(`UPDATE "Message" SET status = 'CANCELLED' WHERE id = $1`, [f.messageIds[0]]);
    const outcome = await sendBroadcastBatch(f.broadcastId, testClock(), { limit: 10 });
    expect(outcome.claimed).toBe(1);
    expect((await message(f.messageIds[0])).status).toBe("CANCELLED");
  });

  it("two senders at once never take the same message", async () => {
    const f = await sendFixture({ smtpPort: sink.port, people: 240 });
    const clock = testClock();
    const run = async () => {
      let sent = 0;
      for (;;) {
        const outcome = await sendBroadcastBatch(f.broadcastId, clock, { limit: 25 });
        if (!outcome.claimed) return sent;
        sent += outcome.sent;
      }
    };
    const [a, b] = await Promise.all([run(), run()]);
    expect(a + b).toBe(240);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(await statuses(f.broadcastId)).toEqual({ SENT: 240 });
    const ids = sink.received.filter((m) => m.envelope.to[0]?.startsWith("reader-")).map((m) => m.messageId);
    const mine = new Set(f.profileIds.map((p) => messageIdFor(`b:${f.broadcastId}:${p}`)));
    const received = ids.filter((id) => mine.has(id!));
    expect(received).toHaveLength(240);
    expect(new Set(received).size).toBe(240);
    const { rows } = await pgPool().query<{ n: string }>(
      `SELECT count(*) AS n FROM "MessageEvent" WHERE type = 'sent' AND "messageId" = ANY($1::uuid[])`,
      [f.messageIds],
    );
    expect(Number(rows[0].n)).toBe(240);
  }, 60_000);
});
