import { describe, expect, it } from "vitest";
import { POST as batchRoute } from "@/app/api/v1/batch/route";
import { GET as profileEventsRoute } from "@/app/api/v1/profiles/[id]/events/route";
import { GET as profileRoute } from "@/app/api/v1/profiles/[id]/route";
import { listEventCatalog, listRecentEvents } from "../events/events";
import { rollupAllPending } from "../ingest/rollup";
import { callRoute } from "../testing/call-route";
import { contextOf } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { getProfile, listProfileEvents, searchProfiles } from "./profiles";

async function seedPerson() {
  const fixture = await ingestFixture("FULL");
  await callRoute(batchRoute, {
    method: "POST",
    headers: fixture.bearer,
    body: {
      batch: [
        { type: "page", anonymousId: "visitor-9", name: "Home", timestamp: "2026-03-01T09:00:00Z" },
        {
          type: "track",
          anonymousId: "visitor-9",
          event: "Product Viewed",
          timestamp: "2026-03-01T09:01:00Z",
          properties: { sku: "S1" },
        },
        {
          type: "identify",
          userId: "mia",
          anonymousId: "visitor-9",
          timestamp: "2026-03-01T09:02:00Z",
          traits: { email: "Mia@Example.com", company: "Northwind" },
        },
        { type: "track", userId: "mia", event: "Order Completed", timestamp: "2026-03-01T09:03:00Z" },
        { type: "track", userId: "someone-else", event: "Order Completed", timestamp: "2026-03-01T09:04:00Z" },
      ],
    },
  });
  return fixture;
}

describe("reading profiles", () => {
  it("finds a person by user id, anonymous id, email prefix or trait value, and nobody else", async () => {
    const { team } = await seedPerson();
    const ctx = await contextOf(team, "VIEWER");
    for (const q of ["mia", "visitor-9", "mia@exa", "northw"]) {
      expect((await searchProfiles(ctx, { q })).map((p) => p.userId)).toEqual(["mia"]);
    }
    expect(await searchProfiles(ctx, { q: "nobody-like-this" })).toEqual([]);
    expect((await searchProfiles(ctx)).map((p) => p.userId).sort()).toEqual(["mia", "someone-else"]);
  });

  it("resolves an anonymous id to the person it merged into, with the whole timeline newest first", async () => {
    const { team } = await seedPerson();
    const ctx = await contextOf(team, "VIEWER");
    const mia = await getProfile(ctx, "visitor-9");
    expect(mia).toMatchObject({ userId: "mia", email: "mia@example.com", anonymousIds: ["visitor-9"] });
    const page1 = await listProfileEvents(ctx, mia.id, { limit: 2 });
    const page2 = await listProfileEvents(ctx, mia.id, { limit: 2, before: page1.nextBefore! });
    expect([...page1.events, ...page2.events].map((e) => e.name ?? e.type)).toEqual([
      "Order Completed",
      "identify",
      "Product Viewed",
      "Page Viewed",
    ]);
    expect(page2.nextBefore).toBeNull();
  });

  it("answers 404 for an unknown person and 422 for a bad page size", async () => {
    const { team } = await seedPerson();
    const ctx = await contextOf(team, "VIEWER");
    await expect(getProfile(ctx, "ghost")).rejects.toMatchObject({ code: "not_found" });
    await expect(listProfileEvents(ctx, (await getProfile(ctx, "mia")).id, { limit: 0 })).rejects.toMatchObject({
      code: "validation",
      fields: [{ path: "limit", message: "must be at least 1" }],
    });
  });

  it("are served by the read API to full keys only, and only within the key's workspace", async () => {
    const { bearer } = await seedPerson();
    const profile = await callRoute(profileRoute, { headers: bearer, params: { id: "mia" } });
    expect(profile.status).toBe(200);
    expect(profile.body.traits).toEqual({ email: "Mia@Example.com", company: "Northwind" });
    const events = await callRoute(profileEventsRoute, {
      headers: bearer,
      params: { id: "mia" },
      path: "/api/v1/profiles/mia/events?limit=3",
    });
    expect(events.body.events).toHaveLength(3);
    expect(events.body.nextBefore).toMatch(/^\d+$/);
    const badLimit = await callRoute(profileEventsRoute, {
      headers: bearer,
      params: { id: "mia" },
      path: "/api/v1/profiles/mia/events?limit=abc",
    });
    expect(badLimit.status).toBe(422);

    const writeOnly = await ingestFixture("WRITE");
    expect((await callRoute(profileRoute, { headers: writeOnly.bearer, params: { id: "mia" } })).status).toBe(403);
    const stranger = await ingestFixture("FULL");
    expect((await callRoute(profileRoute, { headers: stranger.bearer, params: { id: "mia" } })).status).toBe(404);
  });
});

describe("the live feed and catalog", () => {
  it("lets a poller that fell behind catch up without skipping events", async () => {
    const { team } = await seedPerson();
    const ctx = await contextOf(team, "VIEWER");
    const all = await listRecentEvents(ctx, { limit: 50 });
    expect(all).toHaveLength(5);
    const oldest = all[all.length - 1];
    const next = await listRecentEvents(ctx, { after: oldest.id, limit: 2 });
    expect(next.map((e) => e.id)).toEqual([all[2].id, all[3].id]); // the two right after, newest first
  });

  it("lists names with 30 zero-filled days of volume and their property types", async () => {
    const { team } = await seedPerson();
    await rollupAllPending();
    const catalog = await listEventCatalog(await contextOf(team, "VIEWER"), new Date("2026-03-05T00:00:00Z"));
    const orders = catalog.find((c) => c.name === "Order Completed")!;
    expect(orders.total).toBe(2);
    expect(orders.daily).toHaveLength(30);
    expect(orders.daily.find((d) => d.day === "2026-03-01")?.count).toBe(2);
    expect(catalog.find((c) => c.name === "Product Viewed")?.properties).toEqual([{ key: "sku", types: ["string"] }]);
  });
});
