import { describe, expect, it } from "vitest";
import { pgPool } from "../db/pool";
import { ABANDONED_CART } from "../journeys/examples";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { EngineDriver, enrollmentsOf, messagesOf, publishGraph } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("the abandoned-cart journey, end to end", () => {
  it("gives each of three people exactly the messages they should get, and counts the conversions", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const { journeyId } = await publishGraph(ctx, ABANDONED_CART);
    const engine = new EngineDriver(ctx, new Date("2026-03-02T10:00:00Z"));

    // All three update their carts.
    await engine.send([
      { type: "track", userId: "alice", event: "cart_updated", properties: { cartId: "c-alice" } },
      { type: "track", userId: "bob", event: "cart_updated", properties: { cartId: "c-bob" } },
      { type: "track", userId: "carol", event: "cart_updated", properties: { cartId: "c-carol" } },
    ]);
    expect((await enrollmentsOf(journeyId)).map((e) => [e.userId, e.status, e.currentNodeId])).toEqual([
      ["alice", "WAITING", "wait_checkout"],
      ["bob", "WAITING", "wait_checkout"],
      ["carol", "WAITING", "wait_checkout"],
    ]);

    // Alice checks out her cart after 10 minutes; Bob checks out a *different* cart, which does not count.
    engine.advanceTime(10 * MINUTE);
    await engine.track("alice", "checkout_completed", { cartId: "c-alice" });
    await engine.track("bob", "checkout_completed", { cartId: "c-someone-else" });
    await engine.track("alice", "order_completed", { cartId: "c-alice" });

    // 30 minutes pass: Bob and Carol get the reminder.
    await engine.runFor(25 * MINUTE, MINUTE);
    expect((await messagesOf(journeyId)).map((m) => [m.userId, m.templateId, m.status])).toEqual([
      ["bob", "tpl_cart_reminder", "QUEUED"],
      ["carol", "tpl_cart_reminder", "QUEUED"],
    ]);

    // Bob orders a day later: that is the journey's goal, so he converts and leaves.
    engine.advanceTime(DAY);
    await engine.track("bob", "order_completed", { cartId: "c-bob" });

    // Three days after the reminder, Carol has not ordered: she gets the discount and reaches the goal step.
    await engine.runFor(3 * DAY, HOUR);
    expect((await messagesOf(journeyId)).map((m) => [m.userId, m.templateId])).toEqual([
      ["bob", "tpl_cart_reminder"],
      ["carol", "tpl_cart_reminder"],
      ["carol", "tpl_cart_discount"],
    ]);
    expect((await enrollmentsOf(journeyId)).map((e) => [e.userId, e.status, e.currentNodeId])).toEqual([
      ["alice", "COMPLETED", "checked_out"],
      ["bob", "CONVERTED", "ordered"],
      ["carol", "COMPLETED", "ordered"],
    ]);

    // Conversions: Bob in the journey, Alice after leaving it but within the 72-hour attribution window.
    const { rows: conversions } = await pgPool().query(
      `SELECT p."userId" FROM "Conversion" c JOIN "Profile" p ON p.id = c."profileId" WHERE c."journeyId" = $1 ORDER BY p."userId"`,
      [journeyId],
    );
    expect(conversions.map((c) => c.userId)).toEqual(["alice", "bob"]);

    // The trace says why Carol got the discount.
    const { rows: carolSteps } = await pgPool().query(
      `SELECT s."nodeId", s.exit, s.outcome, s.inputs FROM "EnrollmentStep" s JOIN "Enrollment" e ON e.id = s."enrollmentId" JOIN "Profile" p ON p.id = e."profileId"
        WHERE e."journeyId" = $1 AND p."userId" = 'carol' ORDER BY s."enteredAt", s.id`,
      [journeyId],
    );
    expect(carolSteps.map((s) => [s.nodeId, s.exit])).toEqual([
      ["trigger", "next"],
      ["wait_checkout", "timed_out"],
      ["reminder", "next"],
      ["wait_3_days", "next"],
      ["has_ordered", "no"],
      ["discount", "next"],
      ["ordered", null],
    ]);
    const decision = carolSteps.find((s) => s.nodeId === "has_ordered")!;
    expect(decision.inputs).toMatchObject({
      matched: false,
      checks: [{ rule: "has done order_completed in the last 3 days", actual: false, matched: false }],
    });
  });
});
