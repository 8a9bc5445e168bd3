import { describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { EngineDriver } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";
import { journeyDraftWarnings } from "./checks";
import { ABANDONED_CART } from "./examples";
import { createJourney } from "./create-journey";
import { listCatalogNames } from "../events/events";
import { rollupAllPending } from "../ingest/rollup";

describe("the publish dialog's warnings", () => {
  it("names an event the workspace never received and suggests the closest catalog name, without blocking publishing", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const engine = new EngineDriver(ctx, new Date("2026-04-01T10:00:00Z"));
    await engine.track("ada", "cart_updated", { cartId: "c1" });
    await engine.track("ada", "checkout_completed", { cartId: "c1" });
    await engine.track("ada", "Order Completed", { cartId: "c1", total: 12 });
    await engine.track("ada", "unsubscribed");
    await rollupAllPending();

    const graph = structuredClone(ABANDONED_CART);
    const journey = await createJourney(ctx, { name: "Carts", graph });
    const { warnings } = await journeyDraftWarnings(ctx, journey.id);
    expect(warnings.map((w) => [w.nodeId ?? null, w.path, w.message])).toEqual([
      [
        "has_ordered",
        "config.rules.rules.0.eventName",
        "no event named 'order_completed' has arrived; did you mean 'Order Completed'?",
      ],
      ["ordered", "config.eventName", "no event named 'order_completed' has arrived; did you mean 'Order Completed'?"],
      [
        null,
        "settings.goal.eventName",
        "no event named 'order_completed' has arrived; did you mean 'Order Completed'?",
      ],
    ]);
    // Warnings are not problems.
    expect(journey.problems.filter((p) => !p.path.includes("templateId"))).toEqual([]);

    // The catalog the canvas suggests from: names and observed property keys.
    expect((await listCatalogNames(ctx)).find((e) => e.name === "Order Completed")).toEqual({
      name: "Order Completed",
      properties: ["cartId", "total"],
    });
  });
});
