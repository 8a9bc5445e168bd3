import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LiveEvents } from "@/components/events/live-events";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { contextOf } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { ingest } from "../ingest/ingest";
import { listRecentEvents } from "./events";

/** The rows' shown times, top to bottom: the primary (received) time and the labelled event time, if any. */
function shownRows(html: string): { received: string; own: string | null }[] {
  return html
    .split('data-testid="live-event"')
    .slice(1)
    .map((row) => ({
      received: /data-testid="live-event-received"[^>]*>([^<]+)</.exec(row)![1],
      own: /data-testid="live-event-own-time"[^>]*>Event time <time[^>]*>([^<]+)</.exec(row)?.[1] ?? null,
    }));
}

describe("the live events list", () => {
  it("is ordered by what it shows: received time first, the event's own time beside it when it differs", async () => {
    const fixture = await ingestFixture();
    const ingestCtx = await workspaceContextForApiKey(fixture.key);
    const send = (event: string, receivedAt: string, timestamp: string) =>
      ingest(ingestCtx, JSON.stringify({ userId: "u1", event, timestamp }), "track", () => new Date(receivedAt));
    // Received in this order, with timestamps in the other: a phone that was offline sends an old event last.
    await send("Opened app", "2026-05-01T12:00:00.000Z", "2026-05-01T12:00:00.000Z");
    await send("Added to cart", "2026-05-01T12:05:00.000Z", "2026-05-01T11:30:00.000Z");
    // And one stored after the others but received before the last (two requests racing): id order is not received order.
    await send("Viewed page", "2026-05-01T12:02:00.000Z", "2026-05-01T12:02:20.000Z");

    const events = await listRecentEvents(await contextOf(fixture.team, "VIEWER"));
    expect(events.map((e) => e.name)).toEqual(["Added to cart", "Viewed page", "Opened app"]);

    const html = renderToStaticMarkup(
      createElement(LiveEvents, { slug: fixture.team.slug, initialEvents: events, webhookNames: {} }),
    );
    expect(html).toContain(">Received</th>");
    const rows = shownRows(html);
    // The shown times run newest first, as the rows do.
    expect(rows.map((r) => r.received)).toEqual(["12:05:00", "12:02:00", "12:00:00"]);
    // The event's own time only where it is more than a minute off, labelled.
    expect(rows.map((r) => r.own)).toEqual(["11:30:00", null, null]);
    expect(html).toContain("35 min earlier");
  });
});
