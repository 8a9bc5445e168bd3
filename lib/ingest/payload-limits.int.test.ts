import { describe, expect, it } from "vitest";
import { POST as batchRoute } from "@/app/api/v1/batch/route";
import { POST as identifyRoute } from "@/app/api/v1/identify/route";
import { POST as trackRoute } from "@/app/api/v1/track/route";
import { POST as webhookRoute } from "@/app/api/v1/webhooks/[sourceId]/route";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { ingest } from "./ingest";
import { INGEST_LIMITS } from "./limits";
import { createWebhookSource } from "./webhook-sources";

const eventsOf = (workspaceId: string) => db().event.findMany({ where: { workspaceId }, orderBy: { id: "asc" } });
const traitsOf = async (workspaceId: string, userId: string) =>
  (await db().profile.findFirstOrThrow({ where: { workspaceId, userId } })).traits as Record<string, unknown>;
const keys = (n: number, prefix = "t") => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i]));

describe("ingestion over HTTP: what cannot be stored or read back is rejected (the rest of the request is stored)", () => {
  it("a timestamp in year 275760 for a known person (which broke every reader of their events)", async () => {
    const { team, bearer } = await ingestFixture();
    await callRoute(trackRoute, { method: "POST", headers: bearer, body: { userId: "ada", event: "Signed Up" } });
    const response = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          { type: "track", userId: "ada", event: "Fine" },
          { type: "track", userId: "ada", event: "Poison", timestamp: "+275760-09-13T00:00:00.000Z" },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      received: 2,
      stored: 1,
      rejected: [{ index: 1, path: "batch.1.timestamp", reason: "must be between 2000-01-01 and 1 day from now" }],
    });
    expect((await eventsOf(team.id)).map((e) => e.name)).toEqual(["Signed Up", "Fine"]);
  });

  it("\\u0000 in a property (Postgres refused it: a 500 that clients retried, then dropped the batch)", async () => {
    const { team, bearer } = await ingestFixture();
    const response = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: { batch: [{ type: "track", userId: "ada", event: "E", properties: { note: "a\u0000b" } }] },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([
      { path: "batch.0.properties.note", message: "contains the character \\u0000, which cannot be stored" },
    ]);
    expect(await eventsOf(team.id)).toHaveLength(0);
  });

  it("1e400 (stored as null before) and 5,000-deep arrays (a stack overflow before)", async () => {
    const { team, bearer } = await ingestFixture();
    const huge = await callRoute(trackRoute, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      rawBody: '{"userId":"ada","event":"E","properties":{"total":1e400}}',
    });
    expect(huge.status).toBe(400);
    expect(huge.body.error.fields).toEqual([
      { path: "properties.total", message: "is a number too large to store (beyond ±1.7976931348623157e308)" },
    ]);
    const deep = `{"batch":[{"type":"track","userId":"ada","event":"E","properties":{"a":${"[".repeat(5_000)}${"]".repeat(5_000)}}}]}`;
    const nested = await callRoute(batchRoute, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      rawBody: deep,
    });
    expect(nested.status).toBe(400);
    expect(nested.body.error.fields[0].message).toBe(`nests deeper than ${INGEST_LIMITS.maxNestingDepth} levels`);
    expect(await eventsOf(team.id)).toHaveLength(0);
  });

  it("an identify that would take a profile past the trait limit, leaving the profile as it was", async () => {
    const { team, bearer, key } = await ingestFixture();
    const max = INGEST_LIMITS.maxTraitsPerProfile;
    const perCall = INGEST_LIMITS.maxKeysPerField;
    // up to the limit, a few hundred keys at a time
    for (let sent = 0; sent < max; sent += perCall) {
      const ok = await callRoute(identifyRoute, {
        method: "POST",
        headers: bearer,
        body: { userId: "ada", traits: keys(Math.min(perCall, max - sent), `t${sent}-`) },
      });
      expect(ok.status).toBe(200);
    }
    expect(Object.keys(await traitsOf(team.id, "ada"))).toHaveLength(max);
    const before = await eventsOf(team.id);

    const over = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          { type: "track", userId: "ada", event: "Fine" },
          { type: "identify", userId: "bob", traits: { plan: "pro" } },
          { type: "identify", userId: "ada", traits: { one_more: true } },
        ],
      },
    });
    // only the identify over the limit is rejected; the rest of the batch is stored
    expect(over.status).toBe(200);
    expect(over.body).toMatchObject({ received: 3, stored: 2 });
    expect(over.body.rejected).toEqual([
      {
        index: 2,
        path: "batch.2.traits",
        reason: `would give the profile more than ${max} traits, the limit; this message was not stored`,
        fields: [
          {
            path: "batch.2.traits",
            message: `would give the profile more than ${max} traits, the limit; this message was not stored`,
          },
        ],
      },
    ]);
    expect(Object.keys(await traitsOf(team.id, "ada"))).toHaveLength(max);
    expect(await eventsOf(team.id)).toHaveLength(before.length + 2);
    expect(await db().profile.count({ where: { workspaceId: team.id, userId: "bob" } })).toBe(1);
    expect(await db().rejectedEvent.count({ where: { workspaceId: team.id, batchIndex: 2 } })).toBe(1);

    // At the limit, traits still change and go: replacing a value or removing one adds no key.
    const ctx = await workspaceContextForApiKey(key);
    await ingest(ctx, JSON.stringify({ userId: "ada", traits: { "t0-0": "changed", "t0-1": null } }), "identify");
    expect(await traitsOf(team.id, "ada")).toMatchObject({ "t0-0": "changed" });
    expect(Object.keys(await traitsOf(team.id, "ada"))).toHaveLength(max - 1);
  });

  it("a webhook delivery with \\u0000 or a timestamp out of range, named by its payload path", async () => {
    const team = await createWorkspaceWithTeam();
    const source = await createWebhookSource(await contextOf(team, "ADMIN"), {
      name: "Shop",
      mapping: { userIdPath: "customer.id", eventName: "Order Placed", timestampPath: "created_at" },
    });
    const send = (payload: unknown) =>
      callRoute(webhookRoute, {
        method: "POST",
        params: { sourceId: source.id },
        rawBody: JSON.stringify(payload),
        headers: { "content-type": "application/json" },
      });
    const nul = await send({ customer: { id: "c1" }, note: "x\u0000" });
    expect(nul.status).toBe(400);
    expect(nul.body.error.fields).toEqual([
      { path: "note", message: "contains the character \\u0000, which cannot be stored" },
    ]);
    const late = await send([
      { customer: { id: "c1" }, created_at: "2026-01-01T00:00:00Z" },
      { customer: { id: "c1" }, created_at: "+275760-09-13T00:00:00Z" },
    ]);
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({
      received: 2,
      stored: 1,
      rejected: [
        {
          index: 1,
          path: "1.created_at",
          reason: "timestamp must be between 2000-01-01 and 1 day from now (mapped from created_at)",
        },
      ],
    });
    expect(await eventsOf(team.id)).toHaveLength(1);
    expect(await db().rejectedEvent.count({ where: { workspaceId: team.id } })).toBe(2);
  });
});
