import { describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { pgPool } from "../db/pool";
import { profileJourneys } from "./read-model";
import type { TJourneyGraphInput } from "../journeys/graph";
import { EngineDriver, enrollmentsOf, messagesOf, publishGraph } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";

const HOUR = 3_600_000;
const at = (y: number) => ({ x: 0, y });

/**
 * cart_updated → wait for order_completed (1 day) → arrived: "thanks" push / timed out: "reminder" push,
 * with order_completed also the journey's goal: the rule of decideOnEvent (lib/engine/interpreter.ts) end to end.
 */
function waitForTheGoal(onConversion?: "end" | "continue"): TJourneyGraphInput {
  return {
    nodes: [
      { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "cart_updated", filters: [] } },
      {
        id: "wait",
        type: "wait_for_event",
        position: at(100),
        config: { eventName: "order_completed", timeout: { amount: 1, unit: "days" } },
      },
      { id: "thanks", type: "action.push", position: at(200), config: { templateId: "tpl_thanks" } },
      { id: "reminder", type: "action.push", position: at(300), config: { templateId: "tpl_reminder" } },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "wait" },
      { id: "e2", source: "wait", target: "thanks", branch: "arrived" },
      { id: "e3", source: "wait", target: "reminder", branch: "timed_out" },
    ],
    settings: {
      goal: { eventName: "order_completed", attributionHours: 72, ...(onConversion ? { onConversion } : {}) },
    },
  };
}

async function conversionsOf(journeyId: string): Promise<number> {
  const { rows } = await pgPool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Conversion" WHERE "journeyId" = $1`,
    [journeyId],
  );
  return rows[0].n;
}

describe("a wait for the journey goal's own event", () => {
  it("converts and ends when the goal ends the journey; converts and takes arrived when it lets people continue", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const ends = await publishGraph(ctx, waitForTheGoal());
    const continues = await publishGraph(ctx, waitForTheGoal("continue"));
    const engine = new EngineDriver(ctx, new Date("2026-04-01T10:00:00Z"));

    await engine.track("ada", "cart_updated");
    engine.advanceTime(HOUR);
    await engine.track("ada", "order_completed");
    await engine.runFor(2 * HOUR, HOUR);

    // Ending: the conversion counts, the journey ends at the wait's event, nothing is sent.
    expect(await conversionsOf(ends.journeyId)).toBe(1);
    expect((await enrollmentsOf(ends.journeyId)).map((e) => e.status)).toEqual(["CONVERTED"]);
    expect(await messagesOf(ends.journeyId)).toEqual([]);

    // Continuing: the conversion counts once and the wait's "arrived" path is taken (the thank-you goes out).
    expect(await conversionsOf(continues.journeyId)).toBe(1);
    expect((await messagesOf(continues.journeyId)).map((m) => m.templateId)).toEqual(["tpl_thanks"]);
    expect((await enrollmentsOf(continues.journeyId)).map((e) => [e.status, e.currentNodeId])).toEqual([
      ["COMPLETED", "thanks"],
    ]);
    const { rows: steps } = await pgPool().query<{ nodeId: string; exit: string | null }>(
      `SELECT s."nodeId", s.exit FROM "EnrollmentStep" s WHERE s."journeyId" = $1 ORDER BY s."enteredAt", s.id`,
      [continues.journeyId],
    );
    expect(steps.map((s) => [s.nodeId, s.exit])).toEqual([
      ["trigger", "next"],
      ["wait", "arrived"],
      ["thanks", "next"],
    ]);

    // The person's journey card says they converted inside the journey, not after leaving it, although the
    // journey then went on to complete.
    const { rows: people } = await pgPool().query<{ profileId: string }>(
      `SELECT DISTINCT "profileId" FROM "Enrollment" WHERE "journeyId" = $1`,
      [continues.journeyId],
    );
    const card = (await profileJourneys(ctx, people[0].profileId)).find((e) => e.journeyId === continues.journeyId);
    expect(card?.conversion).toMatchObject({ eventName: "order_completed", afterLeaving: false });
  });

  it("exits when the wait's event is an exit event, even with a goal that lets people continue", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const graph = waitForTheGoal("continue");
    graph.settings = { ...graph.settings, exitEvents: ["order_completed"] };
    const { journeyId } = await publishGraph(ctx, graph);
    const engine = new EngineDriver(ctx, new Date("2026-04-01T10:00:00Z"));

    await engine.track("ada", "cart_updated");
    engine.advanceTime(HOUR);
    expect((await engine.track("ada", "order_completed")).exited).toBe(1);
    await engine.runFor(2 * HOUR, HOUR);
    expect((await enrollmentsOf(journeyId)).map((e) => [e.status, e.endReason])).toEqual([
      ["EXITED", "Exit event order_completed"],
    ]);
    expect(await messagesOf(journeyId)).toEqual([]);
    expect(await conversionsOf(journeyId)).toBe(0);
  });
});
