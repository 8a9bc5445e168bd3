import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { EventCatalog } from "@/components/events/event-catalog";
import { LiveEvents } from "@/components/events/live-events";
import { EventTimeline } from "@/components/profiles/event-timeline";
import { ProfileFacts } from "@/components/profiles/profile-facts";
import { ProfilesTable } from "@/components/profiles/profiles-table";
import { GET as profileEventsRoute } from "@/app/api/v1/profiles/[id]/events/route";
import { GET as recentEventsRoute } from "@/app/api/workspaces/[slug]/events/recent/route";
import { pgPool } from "../db/pool";
import { rollupAllPending } from "../ingest/rollup";
import { getProfile, listProfileEvents, searchProfiles } from "../profiles/profiles";
import { estimateSegment } from "../segments/estimate-segment";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { ingest } from "../ingest/ingest";
import { listTraitCatalog } from "../segments/traits";
import { callRoute } from "../testing/call-route";
import { contextOf, sessionCookie } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { listEventCatalog, listRecentEvents } from "./events";

const T0 = new Date("2026-03-02T12:00:00.000Z");

/**
 * Rows stored before ingestion checked timestamps (or written by hand) may hold instants JavaScript cannot
 * represent or print: the last instant a Date holds, a moment past it, and Postgres' infinities.
 */
const POISON = [
  "275760-09-13 00:00:00+00",
  "275760-09-13 05:00:00+00",
  "infinity",
  "-infinity",
  "4713-01-01 00:00:00+00 BC",
];

describe("readers and timestamps already stored out of range", () => {
  it("answer normally about a person with an event dated year 275760, infinity or 4713 BC", async () => {
    const { team, bearer, key } = await ingestFixture("FULL");
    const d = { ctx: await contextOf(team, "VIEWER"), bearer };
    const batch = [
      { type: "identify", userId: "ada", traits: { plan: "pro" } },
      { type: "track", userId: "ada", event: "Order Completed" },
    ];
    await ingest(
      await workspaceContextForApiKey(key),
      JSON.stringify({ batch: batch.map((m) => ({ ...m, timestamp: T0.toISOString() })) }),
      "batch",
      () => T0,
    );
    await rollupAllPending();
    const ada = await getProfile(d.ctx, "ada");
    const pool = pgPool();
    for (const [i, at] of POISON.entries()) {
      await pool.query(
        `WITH ins AS (
           INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", "userId", properties, timestamp, "originalTimestamp", "sentAt", "receivedAt", source)
           VALUES ($1, $2, 'track', 'Poisoned', $3, 'ada', '{"k":1}', $4::timestamptz, $4::timestamptz, $4::timestamptz, $4::timestamptz, 'api') RETURNING id)
         INSERT INTO "EventDispatch" ("workspaceId", "firstEventId", "eventIds") SELECT $1, id, ARRAY[id] FROM ins`,
        [d.ctx.workspace.id, `poison-${i}`, ada.id, at],
      );
    }
    await rollupAllPending();
    await pool.query(`UPDATE "Profile" SET "lastSeenAt" = 'infinity', "firstSeenAt" = '-infinity' WHERE id = $1`, [
      ada.id,
    ]);

    const recent = await listRecentEvents(d.ctx);
    expect(recent.map((e) => e.name)).toContain("Poisoned");
    const catalog = await listEventCatalog(d.ctx, T0);
    expect(catalog.map((c) => c.name).sort()).toEqual(["Order Completed", "Poisoned"]);
    expect((await searchProfiles(d.ctx)).map((p) => p.userId)).toEqual(["ada"]);
    expect((await getProfile(d.ctx, "ada")).userId).toBe("ada");
    const events = await listProfileEvents(d.ctx, ada.id, { limit: 3 });
    expect(events.events).toHaveLength(3);
    await listProfileEvents(d.ctx, ada.id, { limit: 3, before: events.nextBefore! });
    expect((await listTraitCatalog(d.ctx)).map((t) => t.name)).toEqual(["plan"]);
    const estimate = await estimateSegment(
      d.ctx,
      {
        definition: {
          kind: "group",
          match: "all",
          conditions: [{ kind: "event_count", event: "Poisoned", operator: "at_least", count: 1 }],
        },
      },
      { now: T0 },
    );
    expect(estimate.size).toBe(1);

    const api = await callRoute(profileEventsRoute, { headers: d.bearer, params: { id: "ada" } });
    expect(api.status).toBe(200);
    expect(api.body.events.length).toBe(7);
    // the instants a Date cannot hold (or Prisma cannot read: years of six digits) read as null; the others as they are
    expect(api.body.events.map((e: { timestamp: string | null }) => e.timestamp)).toContain(null);
    expect(api.body.events.map((e: { timestamp: string | null }) => e.timestamp)).toContain(T0.toISOString());

    // The Events page's feed through its API, as the signed-in viewer's browser polls it.
    const slug = team.slug;
    const feed = await callRoute(recentEventsRoute, {
      cookie: await sessionCookie(team.members.VIEWER),
      params: { slug },
    });
    expect(feed.status).toBe(200);
    expect(feed.body.events).toHaveLength(7);

    // And the pages' components render what the readers return.
    const html = [
      renderToStaticMarkup(createElement(LiveEvents, { slug, initialEvents: recent, webhookNames: {} })),
      renderToStaticMarkup(createElement(EventCatalog, { slug, entries: catalog })),
      renderToStaticMarkup(createElement(ProfilesTable, { slug, profiles: await searchProfiles(d.ctx) })),
      renderToStaticMarkup(createElement(ProfileFacts, { profile: await getProfile(d.ctx, "ada") })),
      renderToStaticMarkup(createElement(EventTimeline, { events: events.events, webhookNames: {} })),
    ].join("");
    expect(html).toContain("Poisoned");
    expect(html).toContain("time out of range");
  });
});
