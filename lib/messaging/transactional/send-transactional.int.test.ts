import { afterEach, describe, expect, it } from "vitest";
import { GET as getMessageRoute } from "@/app/api/v1/messages/[id]/route";
import { POST as sendRoute } from "@/app/api/v1/send/route";
import { db } from "../../db/client";
import { resetSendLimiter } from "../../http/rate-limit";
import { callRoute } from "../../testing/call-route";
import { withEmbeddedOutbox } from "../../testing/embedded-outbox";
import { ingestFixture } from "../../testing/ingest-helpers";
import { setup } from "../../testing/messaging-fixtures";
import { deliverMessage } from "../delivery";
import { archiveTemplate } from "../templates/archive-template";
import { createTemplate } from "../templates/create-template";

/**
 * POST /api/v1/send and GET /api/v1/messages/{id} through their route handlers, with real API keys: every bad
 * input is a 422 naming its field with nothing stored, idempotency replays and conflicts, the per-key rate limit,
 * and who may call.
 */

withEmbeddedOutbox();

const RECEIPT = {
  subject: "Order {{ data.order_id | required }}",
  html: "<p>Hi {{ profile.traits.first_name }}, order {{ data.order_id }} is on its way.</p>",
};

async function workspace() {
  const s = await setup(RECEIPT);
  await s.driver.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com", first_name: "Ada" } }]);
  return s;
}

function send(key: string, body: unknown, headers: Record<string, string> = {}) {
  return callRoute(sendRoute, {
    method: "POST",
    path: "/api/v1/send",
    headers: { authorization: `Bearer ${key}`, ...headers },
    body,
  });
}

const messageCount = (workspaceId: string) => db().message.count({ where: { workspaceId, category: "transactional" } });

afterEach(() => {
  delete process.env.CAIRN_SEND_RATE_LIMIT;
  resetSendLimiter();
});

describe("POST /api/v1/send: bad input", () => {
  it("answers 422 naming the field, and stores nothing, for each kind of bad request", async () => {
    const s = await workspace();
    const other = await setup(RECEIPT);
    const archived = await createTemplate(s.ctx, { name: "Old", channel: "email", content: RECEIPT });
    await archiveTemplate(s.owner, archived.id);
    const layout = await createTemplate(s.ctx, {
      name: "Frame",
      channel: "layout",
      content: { html: "<div>{{ content }}</div>" },
    });
    const sms = await createTemplate(s.ctx, {
      name: "Code",
      channel: "sms",
      content: { body: "Code {{ data.code }}" },
    });
    const ok = { templateId: s.templateId, to: { userId: "ada" }, data: { order_id: "A1" } };

    const cases: [string, unknown, string, Record<string, string>?][] = [
      ["unknown template", { ...ok, templateId: "7d9c8f5e-2b8a-4c1e-9f3a-1b2c3d4e5f60" }, "templateId"],
      ["a template id that is no uuid", { ...ok, templateId: "welcome" }, "templateId"],
      ["another workspace's template", { ...ok, templateId: other.templateId }, "templateId"],
      ["an archived template", { ...ok, templateId: archived.id }, "templateId"],
      ["a layout is not sendable", { ...ok, templateId: layout.id }, "templateId"],
      ["neither template nor content", { to: { userId: "ada" } }, "templateId"],
      ["both template and content", { ...ok, content: RECEIPT, channel: "email" }, "content"],
      ["inline content without its channel", { content: RECEIPT, to: { userId: "ada" } }, "channel"],
      ["a channel other than the template's", { ...ok, channel: "sms" }, "channel"],
      ["an invalid email", { ...ok, to: { email: "ada@" } }, "to.email"],
      ["a phone not in E.164", { templateId: sms.id, to: { phone: "555 1234" } }, "to.phone"],
      ["an email for an SMS template", { templateId: sms.id, to: { email: "bo@example.com" } }, "to.email"],
      ["two recipients at once", { ...ok, to: { userId: "ada", email: "ada@example.com" } }, "to"],
      ["an unknown userId", { ...ok, to: { userId: "nobody" } }, "to.userId"],
      ["a required data value missing", { ...ok, data: {} }, "data.order_id"],
      ["data that is not an object", { ...ok, data: [1] }, "data"],
      ["data over 32 KB", { ...ok, data: { order_id: "A1", blob: "x".repeat(33 * 1024) } }, "data"],
      [
        "a Liquid syntax error in inline content",
        { channel: "email", content: { subject: "Hi {{ name", html: "<p>x</p>" }, to: { userId: "ada" } },
        "content.subject",
      ],
      [
        "an unknown filter in inline content",
        { channel: "email", content: { subject: "Hi", html: "<p>{{ data.x | nope }}</p>" }, to: { userId: "ada" } },
        "content.html",
      ],
      [
        "inline content missing a field",
        { channel: "sms", content: {}, to: { phone: "+15550002222" } },
        "content.body",
      ],
      [
        "inline content whose layout is not this workspace's",
        {
          channel: "email",
          content: { subject: "Hi", html: "<p>x</p>", layoutId: "7d9c8f5e-2b8a-4c1e-9f3a-1b2c3d4e5f60" },
          to: { userId: "ada" },
        },
        "content.layoutId",
      ],
      ["an unknown body field", { ...ok, priority: "high" }, ""],
      ["an empty idempotency key", { ...ok, idempotencyKey: "" }, "idempotencyKey"],
      [
        "a header key and a different body key",
        { ...ok, idempotencyKey: "one" },
        "idempotencyKey",
        { "idempotency-key": "two" },
      ],
      ["a header key with spaces", ok, "Idempotency-Key", { "idempotency-key": "has spaces" }],
    ];
    for (const [what, body, field, headers] of cases) {
      const response = await send(s.fixture.key, body, headers);
      expect(response.status, what).toBe(422);
      expect(
        response.body.error.fields.map((f: { path: string }) => f.path),
        what,
      ).toContain(field);
    }
    expect(await messageCount(s.ctx.workspace.id)).toBe(0);

    // the same request, well formed, goes through
    expect((await send(s.fixture.key, ok)).status).toBe(202);
    expect(await messageCount(s.ctx.workspace.id)).toBe(1);
  });

  it("a missing required value names its data path, also in brackets; other Liquid errors name the content field", async () => {
    const s = await workspace();
    const bracket = await send(s.fixture.key, {
      channel: "sms",
      content: { body: "Reset: {{ data['reset_url'] | required }}" },
      to: { phone: "+15550003333" },
    });
    expect(bracket.status).toBe(422);
    expect(bracket.body.error.fields).toEqual([
      { path: "data.reset_url", message: "is required by the content and missing" },
    ]);
    // a required profile trait is not the caller's data: the content field is named, with the variable
    const trait = await send(s.fixture.key, {
      channel: "email",
      content: { subject: "Hi {{ profile.traits.nickname | required }}", html: "<p>x</p>" },
      to: { userId: "ada" },
    });
    expect(trait.status).toBe(422);
    expect(trait.body.error.fields).toEqual([
      { path: "content.subject", message: "Liquid error: Missing required variable profile.traits.nickname" },
    ]);
    expect(await messageCount(s.ctx.workspace.id)).toBe(0);
  });
});

describe("POST /api/v1/send: idempotency", () => {
  it("the same key and body answer the same message (200, replayed); a different body with that key is 409", async () => {
    const s = await workspace();
    const body = { templateId: s.templateId, to: { userId: "ada" }, data: { order_id: "A1" }, idempotencyKey: "o-1" };
    const first = await send(s.fixture.key, body);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id: expect.any(String), status: "queued" });

    // the same request, its keys in another order, and the key in the header instead
    const again = await send(
      s.fixture.key,
      { data: { order_id: "A1" }, to: { userId: "ada" }, templateId: s.templateId },
      { "idempotency-key": "o-1" },
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: first.body.id, status: "queued", replayed: true });

    // once delivered, a replay says where the message is now
    expect(await deliverMessage(first.body.id)).toMatchObject({ outcome: "sent" });
    const later = await send(s.fixture.key, body);
    expect(later.body).toEqual({
      id: first.body.id,
      status: expect.stringMatching(/^(sent|delivered)$/),
      replayed: true,
    });

    const conflict = await send(s.fixture.key, { ...body, data: { order_id: "A2" } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: "idempotency_conflict", fields: [{ path: "idempotencyKey" }] });
    expect(await messageCount(s.ctx.workspace.id)).toBe(1);

    // keys are per workspace: another workspace's same key is a message of its own
    const other = await workspace();
    const theirs = await send(other.fixture.key, { ...body, templateId: other.templateId });
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it("requests racing with one key store one message", async () => {
    const s = await workspace();
    const body = { templateId: s.templateId, to: { userId: "ada" }, data: { order_id: "R" }, idempotencyKey: "race" };
    const answers = await Promise.all([1, 2, 3, 4].map(() => send(s.fixture.key, body)));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 202]);
    expect(await messageCount(s.ctx.workspace.id)).toBe(1);
  });

  it("without a key every request is a message of its own", async () => {
    const s = await workspace();
    const body = { templateId: s.templateId, to: { userId: "ada" }, data: { order_id: "N" } };
    const [a, b] = [await send(s.fixture.key, body), await send(s.fixture.key, body)];
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.id).not.toBe(b.body.id);
  });
});

describe("POST /api/v1/send: rate limit and access", () => {
  it("over the per-key limit: 429 with Retry-After and nothing queued; another key has its own bucket", async () => {
    process.env.CAIRN_SEND_RATE_LIMIT = "0.01/2";
    resetSendLimiter();
    const s = await workspace();
    const body = { templateId: s.templateId, to: { userId: "ada" }, data: { order_id: "L" } };
    expect((await send(s.fixture.key, body)).status).toBe(202);
    expect((await send(s.fixture.key, body)).status).toBe(202);
    const refused = await send(s.fixture.key, body);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await messageCount(s.ctx.workspace.id)).toBe(2);

    const other = await workspace();
    expect((await send(other.fixture.key, { ...body, templateId: other.templateId })).status).toBe(202);
  });

  it("a write key may neither send nor read a message (403); no key is 401", async () => {
    const s = await workspace();
    const write = await ingestFixture("WRITE");
    const body = { templateId: s.templateId, to: { userId: "ada" }, data: { order_id: "W" } };
    expect((await send(write.key, body)).status).toBe(403);
    const sent = await send(s.fixture.key, body);
    const read = await callRoute(getMessageRoute, {
      headers: write.bearer,
      params: { id: sent.body.id },
    });
    expect(read.status).toBe(403);
    expect((await callRoute(sendRoute, { method: "POST", body })).status).toBe(401);
  });
});

describe("GET /api/v1/messages/{id}", () => {
  it("answers the workspace's message with its status, times and timeline; another workspace's id is 404", async () => {
    const s = await workspace();
    const sent = await send(s.fixture.key, {
      templateId: s.templateId,
      to: { userId: "ada" },
      data: { order_id: "G" },
    });
    const read = (id: string, key = s.fixture.key) =>
      callRoute(getMessageRoute, { headers: { authorization: `Bearer ${key}` }, params: { id } });

    const queued = await read(sent.body.id);
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({
      id: sent.body.id,
      status: "queued",
      channel: "email",
      category: "transactional",
      to: { userId: "ada", address: null },
      template: { id: s.templateId, name: "Welcome email", version: null },
      broadcast: null,
      journey: null,
      sentAt: null,
      timeline: [{ type: "queued" }],
    });

    await deliverMessage(sent.body.id);
    const delivered = await read(sent.body.id);
    expect(delivered.body).toMatchObject({
      status: expect.stringMatching(/^(sent|delivered)$/),
      to: { address: "ada@example.com" },
      template: { version: 1 },
      sentAt: expect.any(String),
    });
    expect(delivered.body.timeline.map((e: { type: string }) => e.type)).toContain("sent");

    const other = await workspace();
    expect((await read(sent.body.id, other.fixture.key)).status).toBe(404);
    expect((await read("not-a-uuid")).status).toBe(404);
  });
});
