import { Analytics } from "@segment/analytics-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as batchRoute } from "@/app/api/v1/batch/route";
import { db } from "../db/client";
import { ingestFixture, type IngestFixture } from "../testing/ingest-helpers";
import { serveRoutes } from "../testing/serve-routes";

/** The official Segment Node client, unmodified, pointed at Cairn over real HTTP. */
describe("the @segment/analytics-node client", () => {
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  let fixture: IngestFixture;

  beforeAll(async () => {
    server = await serveRoutes({ "/api/v1/batch": batchRoute });
    fixture = await ingestFixture();
  });
  afterAll(() => server.close());

  it("delivers track, identify, page and alias calls that Cairn stores and resolves into one person", async () => {
    const analytics = new Analytics({
      writeKey: fixture.key,
      host: server.url,
      path: "/api/v1/batch",
      flushAt: 10,
      maxRetries: 0,
    });
    const failures: unknown[] = [];
    analytics.on("error", (error) => failures.push(error));

    analytics.page({ anonymousId: "seg-anon-1", name: "Pricing", properties: { url: "https://shop.example/pricing" } });
    analytics.track({ anonymousId: "seg-anon-1", event: "Cart Updated", properties: { cartId: "c-1", total: 99 } });
    analytics.identify({
      userId: "seg-user-1",
      anonymousId: "seg-anon-1",
      traits: { email: "buyer@example.com", name: "Buyer" },
    });
    analytics.track({ userId: "seg-user-1", event: "Order Completed", properties: { orderId: "o-1", revenue: 99 } });
    analytics.alias({ userId: "seg-user-1", previousId: "seg-anon-1" });
    await analytics.closeAndFlush({ timeout: 20_000 });

    expect(failures).toEqual([]);
    const events = await db().event.findMany({ where: { workspaceId: fixture.team.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["page", "track", "identify", "track", "alias"]);
    expect(events.map((e) => e.name)).toEqual(["Page Viewed", "Cart Updated", null, "Order Completed", null]);
    // The client sets messageId, timestamp and sentAt; Cairn keeps them all.
    for (const e of events) {
      expect(e.messageId).toBeTruthy();
      expect(e.originalTimestamp).toBeInstanceOf(Date);
      expect(e.sentAt).toBeInstanceOf(Date);
      expect((e.context as { library?: { name?: string } }).library?.name).toBe("@segment/analytics-node");
    }
    const person = await db().profile.findFirstOrThrow({
      where: { workspaceId: fixture.team.id, userId: "seg-user-1" },
    });
    expect(new Set(events.map((e) => e.profileId))).toEqual(new Set([person.id]));
    expect(person.email).toBe("buyer@example.com");
  });
});
