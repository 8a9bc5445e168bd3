import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as webhookRoute } from "@/app/api/v1/webhooks/[sourceId]/route";
import { POST as createSourceRoute } from "@/app/api/workspaces/[slug]/webhook-sources/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { createWebhookSource, deleteWebhookSource, listWebhookSources } from "./webhook-sources";

const ORDER_MAPPING = {
  userIdPath: "customer.id",
  eventName: "Order Placed",
  timestampPath: "created_at",
  messageIdPath: "id",
  propertiesPath: "order",
};
const order = (id: number) => ({
  id,
  created_at: "2026-02-02T10:00:00Z",
  customer: { id: 777, email: "c@example.com" },
  order: { total: "59.00", items: [{ sku: "A" }] },
});
const sign = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest();

describe("webhook sources", () => {
  it("map a platform's own JSON to track events, idempotently by the mapped delivery id", async () => {
    const team = await createWorkspaceWithTeam();
    const source = await createWebhookSource(await contextOf(team, "ADMIN"), {
      name: "Shop orders",
      mapping: ORDER_MAPPING,
    });
    const body = JSON.stringify(order(1001));
    const first = await callRoute(webhookRoute, {
      method: "POST",
      params: { sourceId: source.id },
      rawBody: body,
      headers: { "content-type": "application/json" },
    });
    const again = await callRoute(webhookRoute, {
      method: "POST",
      params: { sourceId: source.id },
      rawBody: body,
      headers: { "content-type": "application/json" },
    });
    expect(first.body).toMatchObject({ stored: 1, duplicates: 0 });
    expect(again.body).toMatchObject({ stored: 0, duplicates: 1 });
    const [event] = await db().event.findMany({ where: { workspaceId: team.id } });
    expect(event).toMatchObject({
      type: "track",
      name: "Order Placed",
      userId: "777",
      messageId: "1001",
      source: `webhook:${source.id}`,
      properties: { total: "59.00", items: [{ sku: "A" }] },
    });
    expect(event.originalTimestamp?.toISOString()).toBe("2026-02-02T10:00:00.000Z");
    expect((await listWebhookSources(await contextOf(team, "VIEWER")))[0].lastReceivedAt).not.toBeNull();
  });

  it("accept an array of payloads, and name the payload and mapped path that is missing", async () => {
    const team = await createWorkspaceWithTeam();
    const source = await createWebhookSource(await contextOf(team, "OWNER"), {
      name: "CRM",
      mapping: { userIdPath: "contact.id", eventNamePath: "type" },
    });
    // one bad payload: the others are stored, the bad one is named and kept as a rejected event
    const bad = await callRoute(webhookRoute, {
      method: "POST",
      params: { sourceId: source.id },
      rawBody: JSON.stringify([{ contact: { id: "x" }, type: "deal.won" }, { type: "deal.lost" }]),
    });
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({
      received: 2,
      stored: 1,
      rejected: [
        {
          index: 1,
          path: "1.contact.id",
          reason: "userId a message needs a userId or an anonymousId (mapped from contact.id)",
        },
      ],
    });
    expect(await db().event.count({ where: { workspaceId: team.id } })).toBe(1);
    const kept = await db().rejectedEvent.findMany({ where: { workspaceId: team.id } });
    expect(kept).toMatchObject([
      {
        source: `webhook:${source.id}`,
        endpoint: "webhook",
        batchIndex: 1,
        keyPrefix: null,
        payload: '{"type":"deal.lost"}',
      },
    ]);
    // nothing valid: 400 naming every problem (and kept too)
    const none = await callRoute(webhookRoute, {
      method: "POST",
      params: { sourceId: source.id },
      rawBody: JSON.stringify([{ type: "deal.lost" }]),
    });
    expect(none.status).toBe(400);
    expect(none.body.error.fields).toEqual([
      { path: "0.contact.id", message: "userId a message needs a userId or an anonymousId (mapped from contact.id)" },
    ]);
    expect(await db().rejectedEvent.count({ where: { workspaceId: team.id } })).toBe(2);
    const good = await callRoute(webhookRoute, {
      method: "POST",
      params: { sourceId: source.id },
      rawBody: JSON.stringify([
        { contact: { id: "z" }, type: "deal.won" },
        { contact: { id: "y" }, type: "deal.lost" },
      ]),
    });
    expect(good.body).toMatchObject({ stored: 2 });
  });

  it("verify an HMAC-SHA256 signature when the source has a secret, hex or base64, in the usual headers", async () => {
    const team = await createWorkspaceWithTeam();
    const secret = "whsec_test_1234567890";
    const source = await createWebhookSource(await contextOf(team, "OWNER"), {
      name: "Signed shop",
      mapping: ORDER_MAPPING,
      signingSecret: secret,
    });
    const stored = await db().webhookSource.findUniqueOrThrow({ where: { id: source.id } });
    expect(stored.signingSecretCipher).not.toContain(secret);
    const body = JSON.stringify(order(2001));
    const call = (headers: Record<string, string>) =>
      callRoute(webhookRoute, { method: "POST", params: { sourceId: source.id }, rawBody: body, headers });

    expect((await call({})).status).toBe(401);
    expect((await call({ "x-cairn-signature": `sha256=${sign("wrong secret", body).toString("hex")}` })).status).toBe(
      401,
    );
    expect((await call({ "x-cairn-signature": sign(secret, body + " ").toString("hex") })).status).toBe(401);
    expect(await db().event.count({ where: { workspaceId: team.id } })).toBe(0);

    expect((await call({ "x-cairn-signature": `sha256=${sign(secret, body).toString("hex")}` })).status).toBe(200);
    expect((await call({ "x-shopify-hmac-sha256": sign(secret, body).toString("base64") })).body).toMatchObject({
      duplicates: 1,
    });
  });

  it("answer 404 for an unknown source and 400 for malformed JSON", async () => {
    const unknown = await callRoute(webhookRoute, {
      method: "POST",
      params: { sourceId: "00000000-0000-4000-8000-000000000000" },
      rawBody: "{}",
    });
    expect(unknown.status).toBe(404);
    const team = await createWorkspaceWithTeam();
    const source = await createWebhookSource(await contextOf(team, "OWNER"), { name: "S", mapping: ORDER_MAPPING });
    const malformed = await callRoute(webhookRoute, {
      method: "POST",
      params: { sourceId: source.id },
      rawBody: "{oops",
    });
    expect(malformed.status).toBe(400);
  });

  it("validate the mapping when configured (422 naming the field) and are managed by admins only", async () => {
    const team = await createWorkspaceWithTeam();
    const admin = await sessionCookie(team.members.ADMIN);
    const invalid = await callRoute(createSourceRoute, {
      method: "POST",
      params: { slug: team.slug },
      cookie: admin,
      body: { name: "", mapping: { userIdPath: "customer id!", eventNamePath: "x" }, signingSecret: "short" },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      "mapping.userIdPath",
      "name",
      "signingSecret",
    ]);
    const noEvent = await callRoute(createSourceRoute, {
      method: "POST",
      params: { slug: team.slug },
      cookie: admin,
      body: { name: "S", mapping: { userIdPath: "a" } },
    });
    expect(noEvent.body.error.fields).toEqual([
      { path: "mapping.eventName", message: "give a fixed event name or the path of the event name" },
    ]);
    const editor = await callRoute(createSourceRoute, {
      method: "POST",
      params: { slug: team.slug },
      cookie: await sessionCookie(team.members.EDITOR),
      body: { name: "S", mapping: ORDER_MAPPING },
    });
    expect(editor.status).toBe(403);
    expect(await db().webhookSource.count({ where: { workspaceId: team.id } })).toBe(0);

    const created = await createWebhookSource(await contextOf(team, "ADMIN"), { name: "S", mapping: ORDER_MAPPING });
    await deleteWebhookSource(await contextOf(team, "OWNER"), created.id);
    expect(await listWebhookSources(await contextOf(team, "OWNER"))).toEqual([]);
  });
});
