import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RejectedEvents } from "@/components/events/rejected-events";
import { POST as batchRoute } from "@/app/api/v1/batch/route";
import { POST as identifyRoute } from "@/app/api/v1/identify/route";
import { POST as trackRoute } from "@/app/api/v1/track/route";
import { GET as rejectedRoute } from "@/app/api/workspaces/[slug]/events/rejected/route";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { ingest } from "./ingest";
import { deleteExpiredRejectedEvents } from "./rejected-events";

const eventsOf = (workspaceId: string) => db().event.findMany({ where: { workspaceId }, orderBy: { id: "asc" } });
const rejectedOf = (workspaceId: string) =>
  db().rejectedEvent.findMany({ where: { workspaceId }, orderBy: { id: "asc" } });

describe("ingestion: one bad message no longer drops the batch", () => {
  it("stores the valid messages of a batch, answers 200 naming the rejected one, and keeps it as a rejected event", async () => {
    const { team, bearer, key } = await ingestFixture();
    const response = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          { type: "track", userId: "u", event: "First" },
          { type: "track", event: "No one", properties: { plan: "pro" } },
          { type: "track", userId: "u", event: "Third" },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      success: true,
      received: 3,
      stored: 2,
      duplicates: 0,
      rejected: [
        {
          index: 1,
          path: "batch.1.userId",
          reason: "a message needs a userId or an anonymousId",
          fields: [{ path: "batch.1.userId", message: "a message needs a userId or an anonymousId" }],
        },
      ],
    });
    expect((await eventsOf(team.id)).map((e) => e.name)).toEqual(["First", "Third"]);
    const [row] = await rejectedOf(team.id);
    expect(row).toMatchObject({
      source: "api",
      endpoint: "batch",
      batchIndex: 1,
      keyPrefix: key.slice(0, 12),
      reasons: [{ path: "batch.1.userId", message: "a message needs a userId or an anonymousId" }],
    });
    expect(JSON.parse(row.payload)).toEqual({ type: "track", event: "No one", properties: { plan: "pro" } });
  });

  it("answers 400 naming every problem when nothing is valid, and keeps each rejected message", async () => {
    const { team, bearer } = await ingestFixture();
    const response = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          { type: "track", userId: "u" },
          { type: "track", userId: "u", event: "X", properties: { bad: "a\u0000b" } },
          "not a message",
        ],
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([
      { path: "batch.0.event", message: "must be a string" },
      { path: "batch.1.properties.bad", message: "contains the character \\u0000, which cannot be stored" },
      { path: "batch.2", message: "must be a JSON object" },
    ]);
    expect(await eventsOf(team.id)).toHaveLength(0);
    const rows = await rejectedOf(team.id);
    expect(rows.map((r) => r.batchIndex)).toEqual([0, 1, 2]);
    // U+0000 is kept visible as its JSON escape (Postgres text cannot hold the character itself)
    expect(rows[1].payload).toBe('{"type":"track","userId":"u","event":"X","properties":{"bad":"a\\u0000b"}}');
    expect(rows[2].payload).toBe('"not a message"');
  });

  it("keeps a rejected single call too, and cuts a kept payload to 32 KB", async () => {
    const { team, bearer } = await ingestFixture();
    const single = await callRoute(trackRoute, {
      method: "POST",
      headers: bearer,
      body: { event: "Anonymous nobody" },
    });
    expect(single.status).toBe(400);
    const big = { type: "track", userId: "u", event: "Big", properties: { blob: "y".repeat(40 * 1024) } };
    const batch = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: { batch: [big, { type: "track", userId: "u", event: "Ok" }] },
    });
    expect(batch.body).toMatchObject({ stored: 1, rejected: [{ index: 0, path: "batch.0" }] });
    const rows = await rejectedOf(team.id);
    expect(rows.map((r) => [r.endpoint, r.batchIndex])).toEqual([
      ["track", 0],
      ["batch", 0],
    ]);
    expect(Buffer.byteLength(rows[1].payload)).toBe(32 * 1024);
  });

  it("rejects only the identifies that would take a profile past the trait limit", async () => {
    const { team, bearer } = await ingestFixture();
    const traits = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`t${i}`, i]));
    expect(
      (await callRoute(identifyRoute, { method: "POST", headers: bearer, body: { userId: "full", traits } })).status,
    ).toBe(200);
    const more = (from: number) => Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${from + i}`, i]));
    const response = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          { type: "identify", userId: "full", traits: more(0) },
          { type: "track", userId: "full", event: "Kept" },
          { type: "identify", userId: "full", traits: more(400) },
          { type: "identify", userId: "other", traits: { plan: "pro" } },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ received: 4, stored: 2 });
    expect(response.body.rejected.map((r: { index: number; path: string }) => [r.index, r.path])).toEqual([
      [0, "batch.0.traits"],
      [2, "batch.2.traits"],
    ]);
    expect((await eventsOf(team.id)).map((e) => e.name ?? e.userId)).toEqual(["full", "Kept", "other"]);
    const profile = await db().profile.findFirstOrThrow({ where: { workspaceId: team.id, userId: "full" } });
    expect(Object.keys(profile.traits as object)).toHaveLength(400);
  });

  it("deletes rejected events older than 7 days", async () => {
    const { team, key } = await ingestFixture();
    const ctx = await workspaceContextForApiKey(key);
    const t0 = new Date("2026-11-01T12:00:00.000Z");
    const bad = JSON.stringify({
      batch: [
        { type: "track", userId: "u", event: "Fine", timestamp: "2026-11-01T11:00:00.000Z" },
        { type: "track", userId: "u" },
      ],
    });
    await ingest(ctx, bad, "batch", () => t0);
    await ingest(ctx, bad, "batch", () => new Date(t0.getTime() + 3 * 86_400_000));
    expect(await rejectedOf(team.id)).toHaveLength(2);
    // 7 days later to the millisecond: still kept; a moment past it, the first is gone
    await deleteExpiredRejectedEvents(() => new Date(t0.getTime() + 7 * 86_400_000));
    expect(await rejectedOf(team.id)).toHaveLength(2);
    await deleteExpiredRejectedEvents(() => new Date(t0.getTime() + 7 * 86_400_000 + 1));
    expect((await rejectedOf(team.id)).map((r) => r.receivedAt.toISOString())).toEqual(["2026-11-04T12:00:00.000Z"]);
  });
});

describe("Events → Rejected", () => {
  it("every member can read it, newest first and paginated; another workspace cannot (404)", async () => {
    const { team, bearer } = await ingestFixture();
    for (const event of ["A", "B", "C"]) {
      await callRoute(batchRoute, {
        method: "POST",
        headers: bearer,
        body: {
          batch: [
            { type: "track", userId: "u", event: "ok" },
            { type: "track", event, properties: { html: "<img src=x onerror=alert(1)>" } },
          ],
        },
      });
    }
    const viewer = await sessionCookie(team.members.VIEWER);
    const first = await callRoute(rejectedRoute, { path: "/?limit=2", params: { slug: team.slug }, cookie: viewer });
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { payload: string }) => JSON.parse(i.payload).event)).toEqual(["C", "B"]);
    expect(first.body.items[0]).toMatchObject({
      source: "api",
      endpoint: "batch",
      batchIndex: 1,
      keyPrefix: expect.stringMatching(/^cairn_/),
      reasons: [{ path: "batch.1.userId", message: "a message needs a userId or an anonymousId" }],
    });
    const second = await callRoute(rejectedRoute, {
      path: `/?limit=2&before=${first.body.nextBefore}`,
      params: { slug: team.slug },
      cookie: viewer,
    });
    expect(second.body.items.map((i: { payload: string }) => JSON.parse(i.payload).event)).toEqual(["A"]);
    expect(second.body.nextBefore).toBeNull();
    // the view shows the payload as text: a client's markup is escaped, never rendered
    const html = renderToStaticMarkup(
      createElement(RejectedEvents, { slug: team.slug, page: first.body, webhookNames: {}, paged: false }),
    );
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<img");
    expect(html).toContain("a message needs a userId or an anonymousId");
    expect(html).toContain(`?view=rejected&amp;before=${first.body.nextBefore}`);
    const badQuery = await callRoute(rejectedRoute, { path: "/?limit=0", params: { slug: team.slug }, cookie: viewer });
    expect(badQuery.status).toBe(422);
    expect(badQuery.body.error.fields).toEqual([{ path: "limit", message: "must be at least 1" }]);

    const other = await createWorkspaceWithTeam();
    const stranger = await callRoute(rejectedRoute, {
      params: { slug: team.slug },
      cookie: await sessionCookie(other.members.OWNER),
    });
    expect(stranger.status).toBe(404);
  });
});
