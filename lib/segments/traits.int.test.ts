import { describe, expect, it } from "vitest";
import { rollupAllPending } from "../ingest/rollup";
import { SegmentDriver } from "./test-driver";
import { listTraitCatalog } from "./traits";

const T0 = new Date("2026-03-02T12:00:00.000Z");

describe("the trait catalog", () => {
  it("records each identify trait with the JSON types it was seen with, dates told apart from text, off the ingest path", async () => {
    const d = await SegmentDriver.start(T0);
    await d.store([
      {
        type: "identify",
        userId: "ada",
        traits: {
          plan: "pro",
          seats: 12,
          vip: true,
          tags: ["beta"],
          address: { city: "Paris", zip: 75001 },
          signed_up_at: "2026-01-15T09:30:00Z",
          gone: null,
        },
      },
      {
        type: "identify",
        userId: "bob",
        traits: { plan: "free", seats: "3", birthday: "1990-04-01", not_a_date: "2026-02-30" },
      },
      // a track's properties are not traits
      { type: "track", userId: "bob", event: "Order Completed", properties: { total: 30 } },
    ]);
    // Kept by the rollup, not in the request: nothing yet.
    expect(await listTraitCatalog(d.ctx)).toEqual([]);
    await rollupAllPending();
    expect(await listTraitCatalog(d.ctx)).toEqual([
      { name: "address", types: ["object"] },
      { name: "address.city", types: ["string"] },
      { name: "address.zip", types: ["number"] },
      { name: "birthday", types: ["date"] },
      { name: "not_a_date", types: ["string"] },
      { name: "plan", types: ["string"] },
      { name: "seats", types: ["number", "string"] },
      { name: "signed_up_at", types: ["date"] },
      { name: "tags", types: ["array"] },
      { name: "vip", types: ["boolean"] },
    ]);
    // once each: another identify with the same traits and types adds nothing
    await d.store([{ type: "identify", userId: "cy", traits: { plan: "team", vip: false } }]);
    await rollupAllPending();
    expect((await listTraitCatalog(d.ctx)).map((t) => t.name)).toHaveLength(10);
  });

  it("includes the traits an anonymous visitor was identified with before they were merged into a person", async () => {
    const d = await SegmentDriver.start(T0);
    await d.store([{ type: "identify", anonymousId: "anon-1", traits: { utm_source: "newsletter", visits: 2 } }]);
    await d.store([{ type: "identify", userId: "ada", anonymousId: "anon-1", traits: { plan: "pro" } }]);
    await d.store([{ type: "alias", userId: "ada", previousId: "anon-1" }]);
    await rollupAllPending();
    expect(await listTraitCatalog(d.ctx)).toEqual([
      { name: "plan", types: ["string"] },
      { name: "utm_source", types: ["string"] },
      { name: "visits", types: ["number"] },
    ]);
  });

  it("is scoped to its workspace", async () => {
    const a = await SegmentDriver.start(T0);
    const b = await SegmentDriver.start(T0);
    await a.store([{ type: "identify", userId: "ada", traits: { only_in_a: 1 } }]);
    await rollupAllPending();
    expect(await listTraitCatalog(b.ctx)).toEqual([]);
    expect(await listTraitCatalog(a.ctx)).toEqual([{ name: "only_in_a", types: ["number"] }]);
  });
});
