import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { startSmtpSink, type SmtpSink } from "../testing/local-provider-servers";
import { publishGraph } from "../testing/engine-driver";
import {
  messageRow,
  NOON,
  queueFor,
  setup,
  timeline,
  type MessagingSetup as Setup,
} from "../testing/messaging-fixtures";
import { saveChannelConfig } from "./channel-config";
import {
  claimDueMessages,
  deliverMessage,
  MAX_ATTEMPTS,
  retryBackoffMs,
  SWEEP_GRACE_MS,
  UNCLAIMED_GRACE_MS,
} from "./delivery";
import { BOUNCE_DOMAIN } from "./outbox-smtp";
import { savePolicy } from "./policy";
import { saveTemplate } from "./templates/save-template";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";

withEmbeddedOutbox();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});

async function outboxMails(messageId: string) {
  return db().outboxEmail.findMany({ where: { messageId } });
}

describe("delivery over real SMTP", () => {
  it("renders the journey version's template version, sends it to the embedded SMTP server with unsubscribe headers, and the Outbox marks it delivered", async () => {
    const s = await setup();
    // a later template version must not change what the published journey sends
    await saveTemplate(s.ctx, s.templateId, { content: { subject: "CHANGED", html: "<p>changed</p>" } });
    const id = await queueFor(s, "ada", { email: "Ada@Example.com", first_name: "Ada" });

    const result = await deliverMessage(id, s.driver.clock);
    expect(result).toMatchObject({ outcome: "sent" });
    const mails = await outboxMails(id);
    expect(mails).toHaveLength(1);
    const raw = mails[0].raw;
    expect(mails[0].subject).toBe("Welcome, Ada");
    expect(mails[0].envelopeTo).toEqual(["ada@example.com"]);
    expect(raw).toMatch(
      /^List-Unsubscribe:\s+<http:\/\/localhost:3000\/api\/v1\/unsubscribe\/[0-9a-f-]{36}\.[\w-]{22}>/m,
    );
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    expect(raw).toMatch(/^Message-ID: <[^>]+@cairn>/m);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);

    const message = await messageRow(id);
    expect(message.status).toBe("DELIVERED");
    expect(message.templateVersion).toBe(1);
    expect(message.to).toBe("ada@example.com");
    const content = message.content as { html: string; text: string };
    // links go through the click redirect, the unsubscribe link stays itself, and an open pixel is added
    expect(content.html).toContain("/t/c/");
    expect(content.html).toContain(encodeURIComponent("https://shop.example/new?a=1&b=2"));
    expect(content.html).toMatch(/href="http:\/\/localhost:3000\/u\/[0-9a-f-]{36}\.[\w-]{22}"/);
    expect(content.html).toMatch(/<img src="http:\/\/localhost:3000\/t\/o\//);
    expect(content.text).toContain("Hi Ada");
    expect((await timeline(id)).sort()).toEqual(["delivered", "sent"]);
  });

  it("a replayed or concurrent delivery sends once", async () => {
    const s = await setup();
    const id = await queueFor(s, "bo", { email: "bo@example.com", first_name: "Bo" });
    const results = await Promise.all([
      deliverMessage(id, s.driver.clock),
      deliverMessage(id, s.driver.clock),
      deliverMessage(id, s.driver.clock),
    ]);
    expect(results.filter((r) => r.outcome === "sent")).toHaveLength(1);
    expect(results.every((r) => ["sent", "busy", "done"].includes(r.outcome))).toBe(true);
    expect(await deliverMessage(id, s.driver.clock)).toEqual({ outcome: "done", status: "DELIVERED" });
    expect(await outboxMails(id)).toHaveLength(1);
  });

  it("the preheader is escaped and placed as text, even with $ signs and markup from traits", async () => {
    const s = await setup({
      subject: "Deals",
      preheader: "Only $1 today for {{ profile.traits.company }} $'",
      html: "<html><body><p>Body</p></body></html>",
    });
    const id = await queueFor(s, "pre", { email: "pre@example.com", company: "<b>Ann & Co</b>" });
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const html = ((await messageRow(id)).content as { html: string }).html;
    expect(html).toContain(
      '<body><div style="display:none;max-height:0;overflow:hidden">Only $1 today for &lt;b&gt;Ann &amp; Co&lt;/b&gt; $&#39;</div><p>Body</p>',
    );
  });

  it("a rendering failure fails the message with the reason and sends nothing", async () => {
    const s = await setup({ subject: "For {{ profile.traits.nickname | required }}", html: "<p>x</p>" });
    const id = await queueFor(s, "cy", { email: "cy@example.com" });
    expect(await deliverMessage(id, s.driver.clock)).toEqual({
      outcome: "failed",
      reason: "Rendering failed: subject: Liquid error: Missing required variable profile.traits.nickname",
    });
    expect((await messageRow(id)).status).toBe("FAILED");
    expect(await outboxMails(id)).toHaveLength(0);
  });
});

describe("checks before sending", () => {
  it("suppresses a person without an email address, and one on the suppression list", async () => {
    const s = await setup();
    const none = await queueFor(s, "nomail", { first_name: "N" });
    expect(await deliverMessage(none, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "No email address on the profile",
    });
    // an address that is there but unusable is named, not called missing
    const invalid = await queueFor(s, "ann", { email: "ann@" });
    expect(await deliverMessage(invalid, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "The email address 'ann@' is not valid",
    });

    await pgPool().query(
      `INSERT INTO "Suppression" ("workspaceId", channel, address, reason, "createdAt") VALUES ($1, 'email', 'gone@example.com', 'bounce', now())`,
      [s.ctx.workspace.id],
    );
    const listed = await queueFor(s, "gone", { email: "Gone@Example.com" });
    expect(await deliverMessage(listed, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "gone@example.com is on the suppression list (bounce)",
    });
    expect((await messageRow(listed)).statusReason).toBe("gone@example.com is on the suppression list (bounce)");
    expect(await outboxMails(listed)).toHaveLength(0);
  });

  it("honours consent: unsubscribed people never receive; with opt-in required only opted-in people do", async () => {
    const s = await setup();
    const unsubscribedByTrait = await queueFor(s, "u1", { email: "u1@example.com", email_subscribe: "unsubscribed" });
    expect(await deliverMessage(unsubscribedByTrait, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "Unsubscribed from emails (trait email_subscribe)",
    });

    await savePolicy(s.owner, { requireOptIn: ["email"] });
    const noOptIn = await queueFor(s, "u2", { email: "u2@example.com" });
    expect(await deliverMessage(noOptIn, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "No opt-in for emails: this workspace requires explicit opt-in",
    });
    const optedIn = await queueFor(s, "u3", { email: "u3@example.com", email_subscribe: "opted_in" });
    expect(await deliverMessage(optedIn, s.driver.clock)).toMatchObject({ outcome: "sent" });

    // a consent record (the unsubscribe link) wins over the trait that said opted_in
    const profile = await db().profile.findFirstOrThrow({ where: { workspaceId: s.ctx.workspace.id, userId: "u3" } });
    await db().channelConsent.create({
      data: {
        workspaceId: s.ctx.workspace.id,
        profileId: profile.id,
        channel: "email",
        status: "unsubscribed",
        source: "test",
        updatedAt: NOON,
      },
    });
    const again = await queueFor(s, "u3", {});
    expect(await deliverMessage(again, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "Unsubscribed from emails",
    });
  });

  it("applies the frequency cap across journeys and frees the slot when the window passes", async () => {
    const s = await setup();
    await savePolicy(s.owner, { frequencyCaps: [{ channel: "email", limit: 2, hours: 24 }] });
    // a second live journey in the same workspace, on another event, sending email too
    const { journeyId: otherJourneyId } = await publishGraph(s.ctx, {
      nodes: [
        {
          id: "trigger",
          type: "trigger.event",
          position: { x: 0, y: 0 },
          config: { eventName: "ordered", filters: [] },
        },
        { id: "send", type: "action.email", position: { x: 0, y: 100 }, config: { templateId: s.templateId } },
      ],
      edges: [{ id: "e1", source: "trigger", target: "send" }],
      settings: { reentry: { mode: "always" } },
    });
    const viaOther = async (userId: string) => {
      await s.driver.track(userId, "ordered");
      return s.driver.messages.at(-1)!;
    };
    const first = await queueFor(s, "fc", { email: "fc@example.com" });
    expect(await deliverMessage(first, s.driver.clock)).toMatchObject({ outcome: "sent" });
    s.driver.advanceTime(HOUR);
    const second = await viaOther("fc");
    expect(await deliverMessage(second, s.driver.clock)).toMatchObject({ outcome: "sent" });
    s.driver.advanceTime(HOUR);
    // one from each journey so far: the first journey's next email is over the cap
    const third = await queueFor(s, "fc", {});
    expect(await deliverMessage(third, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "Frequency cap: at most 2 emails per day (2 already)",
    });
    expect((await Promise.all([first, second, third].map(messageRow))).map((m) => m.journeyId)).toEqual([
      s.journeyId,
      otherJourneyId,
      s.journeyId,
    ]);
    // 24 hours after the first, one slot is free again, for either journey
    s.driver.advanceTime(22 * HOUR);
    const fourth = await viaOther("fc");
    expect(await deliverMessage(fourth, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const fifth = await queueFor(s, "fc", {});
    expect(await deliverMessage(fifth, s.driver.clock)).toMatchObject({ outcome: "suppressed" });
  });

  it("two messages racing for the last slot under a cap: one is sent", async () => {
    const s = await setup();
    await savePolicy(s.owner, { frequencyCaps: [{ channel: "email", limit: 1, hours: 24 }] });
    const a = await queueFor(s, "race", { email: "race@example.com" });
    const b = await queueFor(s, "race", {});
    const results = await Promise.all([deliverMessage(a, s.driver.clock), deliverMessage(b, s.driver.clock)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["sent", "suppressed"]);
  });

  it("delays a message to the end of quiet hours in the person's time zone, then sends it", async () => {
    const s = await setup();
    await savePolicy(s.owner, { quietHours: { start: "21:00", end: "08:00", channels: ["email"] } });
    s.driver.now = new Date("2026-01-14T21:30:00.000Z"); // 22:30 in Paris
    const id = await queueFor(s, "night", { email: "night@example.com" }, { timezone: "Europe/Paris" });
    const delayed = await deliverMessage(id, s.driver.clock);
    expect(delayed).toEqual({
      outcome: "delayed",
      until: "2026-01-15T07:00:00.000Z",
      reason: "Quiet hours 21:00–08:00 in Europe/Paris",
      afterAttempt: false,
    });
    expect((await messageRow(id)).status).toBe("QUEUED");
    expect(await outboxMails(id)).toHaveLength(0);

    // not handed back a minute early; at 08:00 Paris it is
    expect((await claimDueMessages(new Date("2026-01-15T06:59:00.000Z"))).map((m) => m.id)).not.toContain(id);
    s.driver.now = new Date("2026-01-15T07:00:00.000Z");
    expect((await claimDueMessages(s.driver.now)).map((m) => m.id)).toContain(id);
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
    expect(await timeline(id)).toEqual(["delayed", "sent", "delivered"]);
  });

  it("people without a time zone get the quiet hours' fallback zone", async () => {
    const s = await setup();
    await savePolicy(s.owner, {
      quietHours: { start: "22:00", end: "07:00", channels: ["email"], fallbackTimeZone: "America/New_York" },
    });
    s.driver.now = new Date("2026-01-14T04:00:00.000Z"); // 23:00 in New York
    const id = await queueFor(s, "nozone", { email: "nozone@example.com" });
    expect(await deliverMessage(id, s.driver.clock)).toEqual({
      outcome: "delayed",
      until: "2026-01-14T12:00:00.000Z",
      reason: "Quiet hours 22:00–07:00 in America/New_York",
      afterAttempt: false,
    });
  });
});

describe("provider errors", () => {
  async function viaSink(s: Setup) {
    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "smtp", fromAddress: "news@shop.example", fromName: "Shop", host: sink.host, port: sink.port },
    });
  }

  it("a temporary failure (451) is retried after its backoff and then sent with the same Message-ID", async () => {
    // an SMTP server that refuses the first message after reading it (451 after DATA) and keeps each one's Message-ID
    const attempts: { messageId: string | undefined; from: string | undefined }[] = [];
    const greylist = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          attempts.push({
            messageId: /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1],
            from: /^From: (.*)$/m.exec(raw)?.[1],
          });
          if (attempts.length === 1)
            return callback(Object.assign(new Error("4.7.1 Greylisted, try again later"), { responseCode: 451 }));
          callback(null, "2.0.0 OK");
        });
      },
    });
    await new Promise<void>((resolve) => greylist.listen(0, "127.0.0.1", resolve));
    try {
      const s = await setup();
      await saveChannelConfig(s.owner, "email", {
        settings: {
          mode: "smtp",
          fromAddress: "news@shop.example",
          fromName: "Shop",
          host: "127.0.0.1",
          port: (greylist.server.address() as AddressInfo).port,
        },
      });
      const id = await queueFor(s, "temp", { email: "temp@example.com" });
      const first = await deliverMessage(id, s.driver.clock);
      expect(first).toMatchObject({
        outcome: "retry",
        attempt: 1,
        retryAt: new Date(s.driver.now.getTime() + retryBackoffMs(1)).toISOString(),
      });
      expect((await messageRow(id)).status).toBe("QUEUED");
      // not before the backoff
      expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "delayed", afterAttempt: true });
      s.driver.advanceTime(retryBackoffMs(1));
      const sent = await deliverMessage(id, s.driver.clock);
      expect(sent).toMatchObject({ outcome: "sent", status: "SENT" });
      expect(attempts).toHaveLength(2);
      expect(attempts[0].messageId).toMatch(/^<[^>]+@cairn>$/);
      expect(attempts[1].messageId).toBe(attempts[0].messageId);
      expect(attempts[1].from).toBe("Shop <news@shop.example>");
      expect(await timeline(id)).toEqual(["retry", "sent"]);
      expect((await messageRow(id)).attempts).toBe(2);
    } finally {
      await new Promise<void>((resolve) => greylist.close(() => resolve()));
    }
  });

  it("gives up after the last attempt with the provider's answer", async () => {
    const s = await setup();
    await viaSink(s);
    const id = await queueFor(s, "flaky", { email: "flaky@example.com" });
    sink.failNext(MAX_ATTEMPTS, 451);
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "retry", attempt });
      s.driver.advanceTime(retryBackoffMs(attempt));
    }
    const last = await deliverMessage(id, s.driver.clock);
    expect(last.outcome).toBe("failed");
    expect((last as { reason: string }).reason).toMatch(
      new RegExp(`^Gave up after ${MAX_ATTEMPTS} attempts\\. The provider answered: .*451`),
    );
  });

  it("a recipient the server rejects (550) bounces, is suppressed, and the next message to it is not sent", async () => {
    const s = await setup();
    const id = await queueFor(s, "bouncer", { email: `nobody@${BOUNCE_DOMAIN}` });
    const result = await deliverMessage(id, s.driver.clock);
    expect(result.outcome).toBe("bounced");
    expect((await messageRow(id)).status).toBe("BOUNCED");
    const suppression = await db().suppression.findUniqueOrThrow({
      where: {
        workspaceId_channel_address: {
          workspaceId: s.ctx.workspace.id,
          channel: "email",
          address: `nobody@${BOUNCE_DOMAIN}`,
        },
      },
    });
    expect(suppression.reason).toBe("invalid_address");
    const next = await queueFor(s, "bouncer", {});
    expect(await deliverMessage(next, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: `nobody@${BOUNCE_DOMAIN} is on the suppression list (invalid_address)`,
    });
  });

  it("an unreachable SMTP server is a retryable failure, not a lost message", async () => {
    const s = await setup();
    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "smtp", fromAddress: "news@shop.example", host: "127.0.0.1", port: 1 },
    });
    const id = await queueFor(s, "down", { email: "down@example.com" });
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "retry", attempt: 1 });
    expect((await messageRow(id)).status).toBe("QUEUED");
  });
});

describe("lapsed claims", () => {
  it("a sender that vanished mid-send leaves a claim that the due sweep hands back once it has lapsed for the grace", async () => {
    const s = await setup();
    const id = await queueFor(s, "crash", { email: "crash@example.com" });
    // what a crashed sender leaves: the claim, no result
    await pgPool().query(`UPDATE "Message" SET "claimedUntil" = $2, attempts = 1 WHERE id = $1`, [
      id,
      new Date(s.driver.now.getTime() + MINUTE),
    ]);
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "busy" });
    expect((await claimDueMessages(s.driver.now)).map((m) => m.id)).not.toContain(id);
    // lapsed, but the busy run retries it now: the sweep leaves it to that run for the grace
    s.driver.advanceTime(MINUTE + 1);
    expect((await claimDueMessages(s.driver.now)).map((m) => m.id)).not.toContain(id);
    s.driver.advanceTime(SWEEP_GRACE_MS);
    expect((await claimDueMessages(s.driver.now)).map((m) => m.id)).toContain(id);
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
  });

  it("a retry whose run is lost is handed back by the due sweep once its backoff has passed", async () => {
    const s = await setup();
    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "smtp", fromAddress: "news@shop.example", host: sink.host, port: sink.port },
    });
    const id = await queueFor(s, "stranded", { email: "stranded@example.com" });
    sink.failNext(1, 451);
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "retry", attempt: 1 });
    const waiting = await messageRow(id);
    expect(waiting).toMatchObject({
      status: "QUEUED",
      claimedUntil: null,
      sendAfter: new Date(s.driver.now.getTime() + retryBackoffMs(1)),
    });
    // nobody retries it (the run was lost); the sweep leaves it until the backoff is over and the grace after it
    // (in which a run that was not lost retries it), then hands it back
    expect((await claimDueMessages(s.driver.now)).map((m) => m.id)).not.toContain(id);
    s.driver.advanceTime(retryBackoffMs(1) + SWEEP_GRACE_MS - 1);
    expect((await claimDueMessages(s.driver.now)).map((m) => m.id)).not.toContain(id);
    s.driver.advanceTime(1);
    // (only this message: other tests' messages on the shared database may be due at this time too)
    expect((await claimDueMessages(s.driver.now)).filter((m) => m.id === id)).toHaveLength(1);
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
    expect(sink.received.filter((m) => m.envelope.to.includes("stranded@example.com"))).toHaveLength(1);
  });
});

describe("messages nobody took", () => {
  const sweptAt = async (at: Date, id: string) => (await claimDueMessages(at)).filter((m) => m.id === id);

  it("a message whose walk died before delivering it is handed to deliver-message once it sat untouched for the grace, and sent once", async () => {
    const s = await setup();
    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "smtp", fromAddress: "news@shop.example", host: sink.host, port: sink.port },
    });
    // what a walk killed after its commit leaves: QUEUED, no claim, no sendAfter, never attempted
    const id = await queueFor(s, "orphan", { email: "orphan@example.com" });
    expect(await messageRow(id)).toMatchObject({ status: "QUEUED", claimedUntil: null, sendAfter: null, attempts: 0 });
    const queuedAt = s.driver.now;
    // a live walk delivers it within moments: the sweep leaves it alone for the grace
    expect(await sweptAt(s.driver.now, id)).toEqual([]);
    s.driver.advanceTime(UNCLAIMED_GRACE_MS);
    expect(await sweptAt(s.driver.now, id)).toEqual([]);
    s.driver.advanceTime(1);
    const [handedOver] = await sweptAt(s.driver.now, id);
    expect(handedOver).toEqual({ id, due: queuedAt.toISOString() });
    // handed over: the next sweeps leave it to that run
    expect(await sweptAt(s.driver.now, id)).toEqual([]);
    s.driver.advanceTime(UNCLAIMED_GRACE_MS);
    expect(await sweptAt(s.driver.now, id)).toEqual([]);
    // that run was lost too: handed over again, under a new event id (the moment it was handed over)
    const handedOverAt = new Date(s.driver.now.getTime() - UNCLAIMED_GRACE_MS);
    s.driver.advanceTime(1);
    expect(await sweptAt(s.driver.now, id)).toEqual([{ id, due: handedOverAt.toISOString() }]);

    // the handed-over run and a late walk both deliver it: the claim lets one send
    const outcomes = await Promise.all([deliverMessage(id, s.driver.clock), deliverMessage(id, s.driver.clock)]);
    expect(outcomes.filter((o) => o.outcome === "sent")).toHaveLength(1);
    // the other found the claim (busy) or, if the first had finished, the message sent (done)
    expect(["busy", "done"]).toContain(outcomes.find((o) => o.outcome !== "sent")?.outcome);
    expect(sink.received.filter((m) => m.envelope.to.includes("orphan@example.com"))).toHaveLength(1);
    s.driver.advanceTime(UNCLAIMED_GRACE_MS + 1);
    expect(await sweptAt(s.driver.now, id)).toEqual([]);
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "done", status: "SENT" });
  });

  it("the sweep never takes a message a sender holds, however long ago it was queued", async () => {
    const s = await setup();
    const id = await queueFor(s, "held", { email: "held@example.com" });
    s.driver.advanceTime(10 * UNCLAIMED_GRACE_MS);
    // a walk claimed it just now (its claim is live): not the sweep's, whatever updatedAt says
    await pgPool().query(`UPDATE "Message" SET "claimedUntil" = $2, attempts = 1 WHERE id = $1`, [
      id,
      new Date(s.driver.now.getTime() + MINUTE),
    ]);
    expect(await sweptAt(s.driver.now, id)).toEqual([]);
    expect(await messageRow(id)).toMatchObject({
      status: "QUEUED",
      claimedUntil: new Date(s.driver.now.getTime() + MINUTE),
    });
  });
});
