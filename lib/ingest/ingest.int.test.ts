import { describe, expect, it } from "vitest";
import { POST as aliasRoute } from "@/app/api/v1/alias/route";
import { POST as batchRoute } from "@/app/api/v1/batch/route";
import { POST as identifyRoute } from "@/app/api/v1/identify/route";
import { POST as pageRoute } from "@/app/api/v1/page/route";
import { POST as trackRoute } from "@/app/api/v1/track/route";
import { revokeApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { ingest } from "./ingest";
import { dispatchPendingEvents } from "./dispatch";
import { rollupAllPending, rollupIngestedEvents } from "./rollup";
import { workspaceContextForApiKey } from "../api-keys/api-keys";

const eventsOf = (workspaceId: string) => db().event.findMany({ where: { workspaceId }, orderBy: { id: "asc" } });
let counter = 0;
const mid = () => `msg-${Date.now()}-${++counter}`;

describe("ingestion: storing events", () => {
  it("stores a track call, creates the profile and answers with counts", async () => {
    const { team, bearer } = await ingestFixture();
    const response = await callRoute(trackRoute, {
      method: "POST",
      headers: bearer,
      body: {
        userId: "user-1",
        event: "Order Completed",
        properties: { total: 42.5, currency: "EUR" },
        messageId: "m-1",
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true, received: 1, stored: 1, duplicates: 0 });
    const [event] = await eventsOf(team.id);
    expect(event).toMatchObject({
      type: "track",
      name: "Order Completed",
      userId: "user-1",
      messageId: "m-1",
      properties: { total: 42.5, currency: "EUR" },
    });
    const profile = await db().profile.findUniqueOrThrow({ where: { id: event.profileId } });
    expect(profile.userId).toBe("user-1");
  });

  it("accepts the key as HTTP Basic user name with an empty password, as Segment clients send it", async () => {
    const { team, key } = await ingestFixture();
    const response = await callRoute(pageRoute, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` },
      body: { anonymousId: "anon-1", name: "Pricing", properties: { url: "https://example.com/pricing" } },
    });
    expect(response.status).toBe(200);
    const [event] = await eventsOf(team.id);
    expect(event).toMatchObject({
      type: "page",
      name: "Page Viewed",
      properties: { name: "Pricing", url: "https://example.com/pricing" },
    });
  });

  it("writes only into the key's workspace", async () => {
    const a = await ingestFixture();
    const b = await ingestFixture();
    await callRoute(trackRoute, { method: "POST", headers: a.bearer, body: { userId: "u", event: "Signed Up" } });
    expect(await eventsOf(a.team.id)).toHaveLength(1);
    expect(await eventsOf(b.team.id)).toHaveLength(0);
  });

  it.each([
    ["no key", {}],
    ["an unknown key", { authorization: "Bearer cairn_unknownunknownunknownunknown" }],
  ])("answers 401 for %s and stores nothing", async (_case, headers) => {
    const { team } = await ingestFixture();
    const response = await callRoute(trackRoute, { method: "POST", headers, body: { userId: "u", event: "X" } });
    expect(response.status).toBe(401);
    expect(await eventsOf(team.id)).toHaveLength(0);
  });

  it("answers 401 for a revoked key", async () => {
    const fixture = await ingestFixture();
    const ctx = await workspaceContextForApiKey(fixture.key);
    await revokeApiKey(await contextOf(fixture.team, "OWNER"), ctx.actor.kind === "api_key" ? ctx.actor.apiKeyId : "");
    const response = await callRoute(trackRoute, {
      method: "POST",
      headers: fixture.bearer,
      body: { userId: "u", event: "X" },
    });
    expect(response.status).toBe(401);
    expect(await eventsOf(fixture.team.id)).toHaveLength(0);
  });
});

describe("ingestion: bad messages are rejected one by one, with every problem named", () => {
  it.each([
    ["no userId or anonymousId", trackRoute, { event: "X" }, "userId", "a message needs a userId or an anonymousId"],
    ["a track without event", trackRoute, { userId: "u" }, "event", "must be a string"],
    [
      "properties of the wrong type",
      trackRoute,
      { userId: "u", event: "X", properties: "big" },
      "properties",
      "must be a JSON object",
    ],
    [
      "an unparseable timestamp",
      trackRoute,
      { userId: "u", event: "X", timestamp: "yesterday-ish" },
      "timestamp",
      "is not a date-time this API can parse (use ISO 8601, e.g. 2026-11-22T09:30:00Z)",
    ],
    ["traits of the wrong type", identifyRoute, { userId: "u", traits: [1, 2] }, "traits", "must be a JSON object"],
    ["an alias without previousId", aliasRoute, { userId: "u" }, "previousId", "must be a string or a number"],
  ])("400 for %s", async (_case, route, body, path, message) => {
    const { team, bearer } = await ingestFixture();
    const response = await callRoute(route, { method: "POST", headers: bearer, body });
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toContainEqual({ path, message });
    expect(await eventsOf(team.id)).toHaveLength(0);
  });

  it("400 for malformed JSON", async () => {
    const { team, bearer } = await ingestFixture();
    const response = await callRoute(batchRoute, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      rawBody: '{"batch": [',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_json");
    expect(await eventsOf(team.id)).toHaveLength(0);
  });

  it("lists every invalid message of a batch by index and stores the valid ones", async () => {
    const { team, bearer } = await ingestFixture();
    const response = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          { type: "track", userId: "u", event: "Fine" },
          { type: "track", userId: "u" },
          { type: "identify", traits: { plan: "pro" } },
          { type: "teleport", userId: "u" },
          { type: "track", userId: "u", event: "Late", timestamp: "not a time" },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, received: 5, stored: 1, duplicates: 0 });
    expect(
      response.body.rejected.map((r: { index: number; path: string; reason: string }) => [r.index, r.path, r.reason]),
    ).toEqual([
      [1, "batch.1.event", "must be a string"],
      [2, "batch.2.userId", "a message needs a userId or an anonymousId"],
      [3, "batch.3.type", "must be one of track, identify, page, screen, group, alias"],
      [4, "batch.4.timestamp", "is not a date-time this API can parse (use ISO 8601, e.g. 2026-11-22T09:30:00Z)"],
    ]);
    expect((await eventsOf(team.id)).map((e) => e.name)).toEqual(["Fine"]);
  });

  it("413 for a request over 500 KB, naming the limit", async () => {
    const { team, bearer } = await ingestFixture();
    const big = "x".repeat(20_000);
    const batch = Array.from({ length: 30 }, (_, i) => ({
      type: "track",
      userId: "u",
      event: "Big",
      properties: { i, big },
    }));
    const response = await callRoute(batchRoute, { method: "POST", headers: bearer, body: { batch } });
    expect(response.status).toBe(413);
    expect(response.body.error.message).toMatch(/500 KB per request/);
    expect(await eventsOf(team.id)).toHaveLength(0);
  });

  it("413 for a batch of more than 2,500 messages, naming the limit", async () => {
    const { team, bearer } = await ingestFixture();
    const batch = Array.from({ length: 2501 }, () => ({ type: "track", userId: "u", event: "E" }));
    const response = await callRoute(batchRoute, { method: "POST", headers: bearer, body: { batch } });
    expect(response.status).toBe(413);
    expect(response.body.error.message).toBe("The batch has 2501 messages; the limit is 2500 messages per batch.");
    expect(await eventsOf(team.id)).toHaveLength(0);
  });

  it("refuses a message over 32 KB: 413 alone, rejected with its index inside a batch", async () => {
    const { team, bearer } = await ingestFixture();
    const huge = { userId: "u", event: "Huge", properties: { blob: "y".repeat(33 * 1024) } };
    const alone = await callRoute(trackRoute, { method: "POST", headers: bearer, body: huge });
    expect(alone.status).toBe(413);
    expect(alone.body.error.message).toMatch(/32 KB\) per message/);
    const inBatch = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          { type: "track", userId: "u", event: "Ok" },
          { type: "track", ...huge },
        ],
      },
    });
    expect(inBatch.status).toBe(200);
    expect(inBatch.body.rejected[0]).toMatchObject({
      index: 1,
      path: "batch.1",
      reason: expect.stringMatching(/32 KB\) per message/),
    });
    expect((await eventsOf(team.id)).map((e) => e.name)).toEqual(["Ok"]);
  });
});

describe("ingestion: every message lands once", () => {
  it("acknowledges a repeated message and stores it once", async () => {
    const { team, bearer } = await ingestFixture();
    const batch = [mid(), mid(), mid()].map((messageId) => ({
      type: "track",
      userId: "u",
      event: "Clicked",
      messageId,
    }));
    const first = await callRoute(batchRoute, { method: "POST", headers: bearer, body: { batch } });
    const second = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: { batch: [...batch, { type: "track", userId: "u", event: "New", messageId: mid() }] },
    });
    expect(first.body).toMatchObject({ received: 3, stored: 3, duplicates: 0 });
    expect(second.body).toMatchObject({ received: 4, stored: 1, duplicates: 3 });
    expect(await eventsOf(team.id)).toHaveLength(4);
  });

  it("stores duplicates that arrive concurrently once", async () => {
    const { team, bearer } = await ingestFixture();
    const batch = Array.from({ length: 50 }, (_, i) => ({
      type: "track",
      userId: `u${i % 7}`,
      anonymousId: `a${i % 5}`,
      event: "Viewed",
      messageId: `dup-${i}`,
    }));
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => callRoute(batchRoute, { method: "POST", headers: bearer, body: { batch } })),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(responses.reduce((sum, r) => sum + r.body.stored, 0)).toBe(50);
    expect(await eventsOf(team.id)).toHaveLength(50);
    await rollupAllPending();
    const type = await db().eventType.findUniqueOrThrow({
      where: { workspaceId_name: { workspaceId: team.id, name: "Viewed" } },
    });
    expect(Number(type.total)).toBe(50);
  });

  it("keeps the client's timestamp, sentAt and receivedAt, and corrects the client's clock skew", async () => {
    const { team, key } = await ingestFixture();
    const ctx = await workspaceContextForApiKey(key);
    // The client's clock is 10 minutes behind: it says it sent at 11:50 what the server received at 12:00.
    const receivedAt = new Date("2026-05-01T12:00:00.000Z");
    await ingest(
      ctx,
      JSON.stringify({
        userId: "u",
        event: "Skewed",
        timestamp: "2026-05-01T11:45:00.000Z",
        sentAt: "2026-05-01T11:50:00.000Z",
      }),
      "track",
      () => receivedAt,
    );
    const [event] = await eventsOf(team.id);
    expect(event.originalTimestamp?.toISOString()).toBe("2026-05-01T11:45:00.000Z");
    expect(event.sentAt?.toISOString()).toBe("2026-05-01T11:50:00.000Z");
    expect(event.receivedAt.toISOString()).toBe("2026-05-01T12:00:00.000Z");
    expect(event.timestamp.toISOString()).toBe("2026-05-01T11:55:00.000Z");
  });

  it("queues the new events for Inngest in the same transaction", async () => {
    const { team, bearer } = await ingestFixture();
    await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          { type: "track", userId: "u", event: "A" },
          { type: "track", userId: "u", event: "B" },
        ],
      },
    });
    const ids = (await eventsOf(team.id)).map((e) => e.id);
    const dispatch = await db().eventDispatch.findFirstOrThrow({ where: { workspaceId: team.id } });
    expect(dispatch.eventIds).toEqual(ids);
    expect(dispatch.dispatchedAt).toBeNull();
  });
});

describe("profiles from events", () => {
  it("merges anonymous history into the person when they identify, so pre-sign-up events belong to them", async () => {
    const { team, bearer } = await ingestFixture();
    await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          { type: "page", anonymousId: "anon-7", name: "Home" },
          { type: "track", anonymousId: "anon-7", event: "Product Viewed" },
        ],
      },
    });
    // The person already has a profile from another device.
    await callRoute(trackRoute, { method: "POST", headers: bearer, body: { userId: "ada", event: "App Opened" } });
    await callRoute(identifyRoute, {
      method: "POST",
      headers: bearer,
      body: { userId: "ada", anonymousId: "anon-7", traits: { email: "ada@example.com", plan: "pro" } },
    });

    const profiles = await db().profile.findMany({ where: { workspaceId: team.id } });
    const ada = profiles.find((p) => p.userId === "ada")!;
    const anonymous = profiles.find((p) => p.id !== ada.id)!;
    expect(anonymous.mergedIntoId).toBe(ada.id);
    const events = await eventsOf(team.id);
    expect(events.map((e) => e.profileId)).toEqual(events.map(() => ada.id));
    expect(ada).toMatchObject({ email: "ada@example.com", traits: { email: "ada@example.com", plan: "pro" } });
    const identities = await db().profileIdentity.findMany({
      where: { workspaceId: team.id },
      orderBy: { value: "asc" },
    });
    expect(identities.map((i) => [i.kind, i.value, i.profileId])).toEqual([
      ["user", "ada", ada.id],
      ["anonymous", "anon-7", ada.id],
    ]);
  });

  it("alias merges the previous id into the user", async () => {
    const { team, bearer } = await ingestFixture();
    await callRoute(trackRoute, {
      method: "POST",
      headers: bearer,
      body: { anonymousId: "visitor-1", event: "Cart Updated" },
    });
    await callRoute(aliasRoute, {
      method: "POST",
      headers: bearer,
      body: { previousId: "visitor-1", userId: "grace" },
    });
    const events = await eventsOf(team.id);
    const grace = await db().profile.findFirstOrThrow({ where: { workspaceId: team.id, userId: "grace" } });
    expect(events.every((e) => e.profileId === grace.id)).toBe(true);
  });

  it("replaces top-level traits, removes traits set to null, and keeps time zone and contact points", async () => {
    const { team, bearer } = await ingestFixture();
    await callRoute(identifyRoute, {
      method: "POST",
      headers: bearer,
      body: {
        userId: "lin",
        traits: { email: "lin@example.com", phone: "+33600000000", address: { city: "Lyon" }, plan: "free" },
        context: { timezone: "Europe/Paris" },
      },
    });
    await callRoute(identifyRoute, {
      method: "POST",
      headers: bearer,
      body: { userId: "lin", traits: { address: { country: "FR" }, plan: null } },
    });
    await callRoute(trackRoute, {
      method: "POST",
      headers: bearer,
      body: { userId: "lin", event: "App Opened", context: { device: { token: "push-token-1", type: "ios" } } },
    });
    const lin = await db().profile.findFirstOrThrow({ where: { workspaceId: team.id, userId: "lin" } });
    expect(lin.traits).toEqual({ email: "lin@example.com", phone: "+33600000000", address: { country: "FR" } });
    expect(lin).toMatchObject({
      email: "lin@example.com",
      phone: "+33600000000",
      timezone: "Europe/Paris",
      pushTokens: [{ token: "push-token-1", type: "ios" }],
    });
  });

  it("folds one batch's identifies in time order, not request order, and a repeated batch changes nothing again", async () => {
    const { team, bearer } = await ingestFixture();
    await callRoute(trackRoute, { method: "POST", headers: bearer, body: { userId: "kim", event: "App Opened" } }); // kim is known
    const batch = [
      {
        type: "identify",
        userId: "kim",
        messageId: "k-3",
        timestamp: "2026-01-03T00:00:00Z",
        traits: { plan: "team", seats: 5 },
        context: { timezone: "Asia/Tokyo" },
      },
      {
        type: "identify",
        userId: "kim",
        messageId: "k-1",
        timestamp: "2026-01-01T00:00:00Z",
        traits: { plan: "free", email: " Kim@Example.com ", seats: 1 },
        context: { timezone: "Europe/Oslo" },
      },
      {
        type: "track",
        userId: "kim",
        messageId: "k-2",
        timestamp: "2026-01-02T00:00:00Z",
        event: "Opened",
        context: { device: { token: "t-1", type: "android" } },
      },
      { type: "identify", userId: "kim", messageId: "k-4", timestamp: "2026-01-03T00:00:00Z", traits: { seats: null } }, // same time: request order decides
    ];
    expect((await callRoute(batchRoute, { method: "POST", headers: bearer, body: { batch } })).body).toMatchObject({
      stored: 4,
      duplicates: 0,
    });
    const kim = () => db().profile.findFirstOrThrow({ where: { workspaceId: team.id, userId: "kim" } });
    expect(await kim()).toMatchObject({
      traits: { plan: "team", email: " Kim@Example.com " },
      email: "kim@example.com",
      timezone: "Asia/Tokyo",
      pushTokens: [{ token: "t-1", type: "android" }],
    });

    await callRoute(identifyRoute, {
      method: "POST",
      headers: bearer,
      body: { userId: "kim", traits: { plan: "enterprise" } },
    });
    // The client retries the first batch: all four are duplicates, so kim's plan stays the newer one.
    expect((await callRoute(batchRoute, { method: "POST", headers: bearer, body: { batch } })).body).toMatchObject({
      stored: 0,
      duplicates: 4,
    });
    expect((await kim()).traits).toEqual({ plan: "enterprise", email: " Kim@Example.com " });
  });
});

describe("the event catalog", () => {
  it("counts names per day and records property keys with their types", async () => {
    const { team, bearer } = await ingestFixture();
    await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          {
            type: "track",
            userId: "u",
            event: "Order Completed",
            timestamp: "2026-01-01T10:00:00Z",
            properties: { total: 10, coupon: "X" },
          },
          {
            type: "track",
            userId: "u",
            event: "Order Completed",
            timestamp: "2026-01-02T10:00:00Z",
            properties: { total: "12", items: [] },
          },
          { type: "identify", userId: "u", traits: { plan: "pro" } },
        ],
      },
    });
    await rollupAllPending();
    await rollupAllPending(); // a second run counts nothing again
    const type = await db().eventType.findUniqueOrThrow({
      where: { workspaceId_name: { workspaceId: team.id, name: "Order Completed" } },
    });
    expect(type.firstSeenAt.toISOString()).toBe("2026-01-01T10:00:00.000Z");
    expect(Number(type.total)).toBe(2);
    const volume = await db().eventVolume.findMany({ where: { workspaceId: team.id }, orderBy: { day: "asc" } });
    expect(volume.map((v) => [v.day.toISOString().slice(0, 10), v.count])).toEqual([
      ["2026-01-01", 1],
      ["2026-01-02", 1],
    ]);
    const props = await db().eventProperty.findMany({
      where: { workspaceId: team.id },
      orderBy: [{ key: "asc" }, { type: "asc" }],
    });
    expect(props.map((p) => `${p.key}:${p.type}`)).toEqual([
      "coupon:string",
      "items:array",
      "total:number",
      "total:string",
    ]);
  });

  it("counts every event once when rollups run concurrently, one log row at a time, while the hand-off marks the same rows sent", async () => {
    const { team, bearer } = await ingestFixture();
    for (let request = 0; request < 12; request++) {
      const batch = Array.from({ length: 5 }, (_, i) => ({
        type: "track",
        userId: `u${i}`,
        event: "Concurrent Rollup",
        timestamp: "2026-03-01T10:00:00Z",
        messageId: mid(),
      }));
      expect((await callRoute(batchRoute, { method: "POST", headers: bearer, body: { batch } })).status).toBe(200);
    }
    const drain = async () => {
      while ((await rollupIngestedEvents(1)).batches > 0) {
        // one log row per transaction: the most interleaving
      }
    };
    const sent: string[] = [];
    await Promise.all([
      drain(),
      drain(),
      drain(),
      dispatchPendingEvents({ send: async (events) => void sent.push(...events.map((e) => e.id)) }, 1_000),
    ]);
    await rollupAllPending();
    const type = await db().eventType.findUniqueOrThrow({
      where: { workspaceId_name: { workspaceId: team.id, name: "Concurrent Rollup" } },
    });
    expect(Number(type.total)).toBe(60);
    expect(
      (await db().eventVolume.findFirstOrThrow({ where: { workspaceId: team.id, name: "Concurrent Rollup" } })).count,
    ).toBe(60);
    expect(
      await db().eventDispatch.count({
        where: { workspaceId: team.id, OR: [{ rolledUpAt: null }, { dispatchedAt: null }] },
      }),
    ).toBe(0);
  });
});
