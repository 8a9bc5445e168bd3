import { afterEach, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { verifyWebhookSignature, webhookSigningSecret } from "../engine/webhook-signing";
import { retryBackoffMs } from "../messaging/delivery";
import { withWebhookReceiver } from "../testing/webhook-receiver";
import { OUTBOUND_ALLOW_ENV } from "../security/outbound";
import { createTopic } from "../topics/manage-topics";
import { broadcastWorld, createPeople, createSegmentRow, createTemplateRow } from "./broadcast-fixtures";
import { cancelBroadcast, pauseBroadcast, resumeBroadcast } from "./control-broadcast";
import { createBroadcast, duplicateBroadcast } from "./create-broadcast";
import { estimateBroadcast } from "./estimate-audience";
import { previewBroadcast } from "./preview-broadcast";
import { getBroadcast } from "./read-broadcasts";
import { getBroadcastResults } from "./results/load-broadcast-results";
import { sendBroadcast } from "./send-broadcast";
import { runBroadcast } from "./send/run-broadcast";
import { statuses, testClock } from "./send/send-test-fixtures";
import { testSendBroadcast } from "./test-send-broadcast";
import { updateBroadcast } from "./update-broadcast";

/** A real local receiver standing in for the CRM / Slack / ad platform a webhook broadcast tells about each person. */
const hooks = withWebhookReceiver();

const allowed = process.env[OUTBOUND_ALLOW_ENV];
afterEach(() => {
  process.env[OUTBOUND_ALLOW_ENV] = allowed;
});

const WEBHOOK_CONTENT = {
  contentType: "json",
  body: '{"user": {{ profile.userId | json }}, "name": {{ profile.traits.first_name | json }}, "broadcast": {{ broadcast.name | json }}, "variant": {{ broadcast.variant | json }}, "journey": {{ journey.id | json }}}',
  headers: { "X-Variant": "{{ broadcast.variant }}" },
};

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { code: string; message: string; fields: { path: string; message: string }[] },
  );
  expect(error, "expected a refusal").not.toBeNull();
  return error!;
}

/** A workspace with a segment of `count` people (no email, no phone: a webhook needs neither) and a webhook template. */
async function world(count: number) {
  const w = await broadcastWorld();
  const ws = w.team.id;
  const segment = await createSegmentRow(ws, "Customers");
  const people = await createPeople(
    ws,
    Array.from({ length: count }, (_, i) => ({
      email: null,
      userId: `u-${i}`,
      traits: { first_name: `P${i}` },
      segments: [segment],
    })),
  );
  const template = await createTemplateRow(ws, "webhook", { name: "CRM sync", content: WEBHOOK_CONTENT });
  return { ...w, ws, segment, people, template, owner: await w.as("OWNER") };
}

function webhookDraft(segment: string, template: string, path: string, extra: Record<string, unknown> = {}) {
  return {
    name: "Tell the CRM",
    channel: "webhook" as const,
    webhook: { url: `${hooks.url}${path}`, method: "POST" as const, headers: { "X-Api-Key": "k-123" } },
    segmentIds: [segment],
    variants: [{ key: "A", templateId: template, weight: 100 }],
    ...extra,
  };
}

const requestsTo = (path: string) => hooks.received.filter((r) => r.url === path);
const messagesOf = (broadcastId: string) => db().message.findMany({ where: { broadcastId }, orderBy: { id: "asc" } });
const eventsOf = async (messageId: string) =>
  (await db().messageEvent.findMany({ where: { messageId }, orderBy: [{ at: "asc" }, { id: "asc" }] })).map((e) => ({
    type: e.type,
    detail: e.detail as Record<string, unknown>,
  }));

describe("a webhook broadcast", () => {
  it("makes one signed request per person, with the message id as Idempotency-Key and the rendered body", async () => {
    const w = await world(5);
    const clock = testClock();
    const draft = await createBroadcast(w.owner, webhookDraft(w.segment, w.template, "/crm"));
    expect(draft).toMatchObject({
      channel: "webhook",
      webhook: { url: `${hooks.url}/crm`, method: "POST", headers: { "X-Api-Key": "k-123" } },
    });
    await sendBroadcast(w.owner, draft.id, { schedule: { kind: "now" } }, clock);
    const { decision, totals } = await runBroadcast(draft.id, clock);
    expect(decision).toEqual({ next: "done" });
    expect(totals).toMatchObject({ claimed: 5, sent: 5, failed: 0, retried: 0, suppressed: 0 });

    const received = requestsTo("/crm");
    expect(received).toHaveLength(5);
    const messages = await messagesOf(draft.id);
    expect(new Set(received.map((r) => r.headers["idempotency-key"]))).toEqual(new Set(messages.map((m) => m.id)));
    const secret = webhookSigningSecret(w.ws);
    for (const r of received) {
      expect(r.headers).toMatchObject({
        "content-type": "application/json",
        "x-api-key": "k-123",
        "x-variant": "A",
        "user-agent": "Cairn-Webhooks/1",
      });
      expect(verifyWebhookSignature(secret, r.body, String(r.headers["x-cairn-signature"]), new Date())).toBe(true);
    }
    expect(received.map((r) => JSON.parse(r.body)).sort((a, b) => a.user.localeCompare(b.user))).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({
        user: `u-${i}`,
        name: `P${i}`,
        broadcast: "Tell the CRM",
        variant: "A",
        journey: "",
      })),
    );

    const first = messages[0];
    expect(first).toMatchObject({ status: "SENT", channel: "webhook", provider: "webhook", to: `${hooks.url}/crm` });
    const sentBody = received.find((r) => r.headers["idempotency-key"] === first.id)!.body;
    expect(first.content).toEqual({
      method: "POST",
      url: `${hooks.url}/crm`,
      body: sentBody,
      response: { status: 200, body: '{"ok":true}' },
    });
    expect(await eventsOf(first.id)).toEqual([
      { type: "sent", detail: expect.objectContaining({ provider: "webhook", response: 'HTTP 200: {"ok":true}' }) },
    ]);
    expect((await getBroadcast(w.owner, draft.id)).status).toBe("SENT");
  });

  it("retries a 500 with delivery's backoff and records one send; a 400 fails with the answer; a refused URL fails", async () => {
    const w = await world(1);
    const clock = testClock();
    const draft = await createBroadcast(w.owner, webhookDraft(w.segment, w.template, "/flaky"));
    await sendBroadcast(w.owner, draft.id, { schedule: { kind: "now" } }, clock);
    hooks.statuses.push(500);
    const first = await runBroadcast(draft.id, clock);
    expect(first.totals).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
    expect(first.decision).toMatchObject({ next: "at" });
    const [message] = await messagesOf(draft.id);
    expect(message).toMatchObject({ status: "QUEUED" });
    clock.advance(retryBackoffMs(1) + 1_000);
    const second = await runBroadcast(draft.id, clock);
    expect(second.totals).toMatchObject({ claimed: 1, sent: 1, retried: 0 });
    expect(second.decision).toEqual({ next: "done" });
    const received = requestsTo("/flaky");
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.headers["idempotency-key"])).toEqual([message.id, message.id]);
    expect(await db().message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({
      status: "SENT",
      attempts: 2,
    });
    expect((await eventsOf(message.id)).map((e) => [e.type, e.detail.reason ?? e.detail.response])).toEqual([
      ["retry", 'The receiver answered HTTP 500: {"ok":false}'],
      ["sent", 'HTTP 200: {"ok":true}'],
    ]);
    // the results count it as sent once, and as retried
    expect((await getBroadcastResults(w.owner, draft.id, {}, clock())).totals).toMatchObject({
      sent: 1,
      failed: 0,
      retried: 1,
    });

    const rejected = await createBroadcast(w.owner, webhookDraft(w.segment, w.template, "/strict"));
    await sendBroadcast(w.owner, rejected.id, { schedule: { kind: "now" } }, clock);
    hooks.statuses.push(400);
    expect((await runBroadcast(rejected.id, clock)).totals).toMatchObject({ sent: 0, failed: 1, retried: 0 });
    expect(await messagesOf(rejected.id)).toMatchObject([
      { status: "FAILED", statusReason: 'The receiver answered HTTP 400: {"ok":false}' },
    ]);

    // saved while the operator allowed loopback; sent after they took it back: the guard refuses, no retry
    const refused = await createBroadcast(w.owner, webhookDraft(w.segment, w.template, "/gone"));
    await sendBroadcast(w.owner, refused.id, { schedule: { kind: "now" } }, clock);
    process.env[OUTBOUND_ALLOW_ENV] = "";
    expect((await runBroadcast(refused.id, clock)).totals).toMatchObject({ sent: 0, failed: 1, retried: 0 });
    const [blocked] = await messagesOf(refused.id);
    expect(blocked.status).toBe("FAILED");
    expect(blocked.statusReason).toMatch(/^The URL is not allowed: the address 127\.0\.0\.1 is loopback/);
    expect(requestsTo("/gone")).toHaveLength(0);
  });

  it("waits out a 429's Retry-After when it is longer than the backoff, and the backoff when it is shorter", async () => {
    const w = await world(2);
    const clock = testClock();
    const draft = await createBroadcast(w.owner, webhookDraft(w.segment, w.template, "/busy"));
    await sendBroadcast(w.owner, draft.id, { schedule: { kind: "now" } }, clock);
    hooks.statuses.push(
      { status: 429, headers: { "Retry-After": "900" } },
      { status: 503, headers: { "Retry-After": "5" } },
    );
    const sentAt = clock().getTime();
    expect((await runBroadcast(draft.id, clock)).totals).toMatchObject({ claimed: 2, sent: 0, retried: 2 });
    const due = (await messagesOf(draft.id)).map((m) => m.sendAfter!.getTime() - sentAt).sort((a, b) => a - b);
    // one asked for 15 minutes (more than the first backoff, 30 s); the other for 5 s, so the backoff stands
    expect(due).toEqual([retryBackoffMs(1), 900_000]);
    clock.advance(retryBackoffMs(1) + 1_000);
    expect((await runBroadcast(draft.id, clock)).totals).toMatchObject({ claimed: 1, sent: 1 });
    clock.advance(900_000);
    expect((await runBroadcast(draft.id, clock)).totals).toMatchObject({ claimed: 1, sent: 1 });
    expect(requestsTo("/busy")).toHaveLength(4);
  });

  it("refuses bad request settings and non-webhook templates with a 422 naming the field, storing nothing", async () => {
    const w = await world(0);
    const emailTemplate = await createTemplateRow(w.ws, "email", { name: "Newsletter" });
    // a live topic of this workspace: usable by an email broadcast, not by a webhook one
    const news = await createTopic(w.owner, { key: "news", name: "News", category: "marketing" });
    const base = webhookDraft(w.segment, w.template, "/x");
    const cases: [Record<string, unknown>, string][] = [
      [{ webhook: null }, "webhook.url"],
      [{ webhook: { method: "POST" } }, "webhook.url"],
      [{ webhook: { url: "ftp://crm.example/upload" } }, "webhook.url"],
      [{ webhook: { url: `https://crm.example/${"a".repeat(2000)}` } }, "webhook.url"],
      [{ webhook: { url: "https://crm.example/hook", method: "GET" } }, "webhook.method"],
      [{ webhook: { url: "https://crm.example/hook", headers: { Host: "internal" } } }, "webhook.headers.Host"],
      [{ webhook: { url: "https://crm.example/hook", headers: { "X-A": "a\r\nX-B: b" } } }, "webhook.headers.X-A"],
      [
        {
          webhook: {
            url: "https://crm.example/hook",
            headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, "v"])),
          },
        },
        "webhook.headers",
      ],
      [{ variants: [{ key: "A", templateId: emailTemplate, weight: 100 }] }, "variants.0.templateId"],
      [{ channel: "email", variants: [{ key: "A", templateId: emailTemplate, weight: 100 }] }, "webhook"],
      [{ topicId: news.id }, "topicId"],
      [
        {
          variants: [
            { key: "A", templateId: w.template, weight: 50 },
            { key: "B", templateId: w.template, weight: 50 },
          ],
          testPercent: 20,
          winnerAfterHours: 4,
          winnerMetric: "open",
        },
        "winnerMetric",
      ],
    ];
    for (const [change, path] of cases) {
      const error = await refusal(createBroadcast(w.owner, { ...base, ...change } as never));
      expect(error.code, JSON.stringify(change)).toBe("validation");
      expect(
        error.fields.map((f) => f.path),
        JSON.stringify(change),
      ).toContain(path);
    }
    // a literal loopback address without the operator's exception: refused at save, as journey steps are at publish
    process.env[OUTBOUND_ALLOW_ENV] = "";
    const loopback = await refusal(createBroadcast(w.owner, base));
    expect(loopback.fields).toEqual([
      { path: "webhook.url", message: expect.stringMatching(/^the address 127\.0\.0\.1 is loopback/) },
    ]);
    expect(await db().broadcast.count({ where: { workspaceId: w.ws } })).toBe(0);

    // an update is checked the same way and changes nothing
    process.env[OUTBOUND_ALLOW_ENV] = allowed;
    const draft = await createBroadcast(w.owner, base);
    process.env[OUTBOUND_ALLOW_ENV] = "";
    const changed = await refusal(
      updateBroadcast(w.owner, draft.id, { webhook: { url: "http://10.0.0.5/hook", method: "PUT", headers: {} } }),
    );
    expect(changed.fields.map((f) => f.path)).toEqual(["webhook.url"]);
    expect((await getBroadcast(w.owner, draft.id)).webhook?.url).toBe(`${hooks.url}/x`);
    const updated = await updateBroadcast(w.owner, draft.id, {
      webhook: { url: "https://crm.example/people", method: "PUT", headers: {} },
    });
    expect(updated.webhook).toEqual({ url: "https://crm.example/people", method: "PUT", headers: {} });
    // a copy sends the same requests
    expect((await duplicateBroadcast(w.owner, draft.id)).webhook).toEqual(updated.webhook);
    // an email broadcast takes no request settings on update either
    const email = await createBroadcast(w.owner, {
      ...base,
      channel: "email",
      webhook: null,
      variants: [{ key: "A", templateId: emailTemplate, weight: 100 }],
    });
    expect(email.webhook).toBeNull();
    const onEmail = await refusal(updateBroadcast(w.owner, email.id, { webhook: updated.webhook! }));
    expect(onEmail.fields).toEqual([
      { path: "webhook", message: "is only for webhook broadcasts; this one sends email" },
    ]);
  });

  it("pauses, resumes and cancels with exact counts, like other channels", async () => {
    const w = await world(10);
    const clock = testClock();
    // 24 a minute: 4 per link of the send chain
    const draft = await createBroadcast(
      w.owner,
      webhookDraft(w.segment, w.template, "/paced", { throttlePerMinute: 24 }),
    );
    await sendBroadcast(w.owner, draft.id, { schedule: { kind: "now" } }, clock);
    expect((await runBroadcast(draft.id, clock)).totals.sent).toBe(4);
    const paused = await pauseBroadcast(w.owner, draft.id, clock);
    expect(paused.counts).toEqual({ sent: 4, pending: 6, cancelled: 0, inFlight: 0 });
    clock.advance(60_000);
    expect((await runBroadcast(draft.id, clock)).decision).toEqual({ next: "stop", status: "PAUSED" });
    expect(requestsTo("/paced")).toHaveLength(4);
    await resumeBroadcast(w.owner, draft.id, clock);
    expect((await runBroadcast(draft.id, clock)).totals.sent).toBe(4);
    const cancelled = await cancelBroadcast(w.owner, draft.id, clock);
    expect(cancelled.counts).toEqual({ sent: 8, pending: 0, cancelled: 2, inFlight: 0 });
    clock.advance(60_000);
    expect((await runBroadcast(draft.id, clock)).decision).toEqual({ next: "stop", status: "CANCELLED" });
    expect(requestsTo("/paced")).toHaveLength(8);
    expect(await statuses(draft.id)).toEqual({ SENT: 8, CANCELLED: 2 });
  });

  it("estimates everyone in the segments minus the excluded and the holdout: no address, consent or suppression applies", async () => {
    const w = await world(6);
    const excludedSegment = await createSegmentRow(w.ws, "Churned");
    // unsubscribed from email, an email on the suppression list, a phone-less SMS contact: none of it matters here
    await createPeople(w.ws, [
      { email: "gone@example.com", traits: { email_subscribe: false }, segments: [w.segment] },
      { email: "listed@example.com", segments: [w.segment] },
      { email: null, segments: [w.segment, excludedSegment] },
    ]);
    await db().suppression.create({
      data: {
        workspaceId: w.ws,
        channel: "email",
        address: "listed@example.com",
        reason: "complaint",
        createdAt: new Date(),
      },
    });
    const draft = await createBroadcast(
      w.owner,
      webhookDraft(w.segment, w.template, "/count", { excludedSegmentIds: [excludedSegment], holdoutPercent: 25 }),
    );
    const estimate = await estimateBroadcast(w.owner, draft.id);
    expect(estimate).toMatchObject({
      channel: "webhook",
      inSegments: 9,
      excluded: 1,
      noContactPoint: 0,
      suppressed: 0,
      noConsent: 0,
      frequencyCapped: 0,
      holdout: 2,
      willBeSent: 6,
    });
  });

  it("previews the request for a real person and test-sends one real request, showing the answer", async () => {
    const w = await world(1);
    const draft = await createBroadcast(w.owner, webhookDraft(w.segment, w.template, "/preview"));
    const preview = await previewBroadcast(w.owner, draft.id, { profileId: w.people[0] });
    const [recipient] = preview.variants[0].recipients;
    expect(recipient.errors).toEqual([]);
    expect(recipient.request).toEqual({
      method: "POST",
      url: `${hooks.url}/preview`,
      headers: { "content-type": "application/json", "X-Variant": "A", "X-Api-Key": "k-123" },
      body: '{"user": "u-0", "name": "P0", "broadcast": "Tell the CRM", "variant": "A", "journey": ""}',
    });

    hooks.statuses.push(404);
    const test = await testSendBroadcast(w.owner, draft.id, { profileId: w.people[0] });
    expect(test).toEqual({
      variant: "A",
      sent: [{ to: `${hooks.url}/preview`, response: 'HTTP 404: {"ok":false}', outbox: false }],
    });
    const [made] = requestsTo("/preview");
    expect(requestsTo("/preview")).toHaveLength(1);
    expect(made.headers["x-cairn-test"]).toBe("true");
    expect(JSON.parse(made.body)).toMatchObject({ user: "u-0" });
    expect(await db().message.count({ where: { workspaceId: w.ws } })).toBe(0);
    expect(
      (await refusal(testSendBroadcast(w.owner, draft.id, { profileId: w.people[0], to: ["a@b.example"] }))).fields,
    ).toEqual([{ path: "to", message: "a webhook test goes to the broadcast's URL" }]);
  });
});
