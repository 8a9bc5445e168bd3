import { describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { pgPool } from "../db/pool";
import { systemClock } from "../runtime/clock";
import { EngineDriver, enrollmentsOf, publishGraph } from "../testing/engine-driver";
import { setUpFreshDatabase } from "../testing/fresh-database";
import { ingestFixture } from "../testing/ingest-helpers";
import { followDelaysEndingBefore } from "./wake-due-enrollments";

/**
 * wake-due's follow step (lib/engine/wake-due-enrollments.ts) when a busy machine runs it after its tick is over:
 * the delay it was to follow has ended meanwhile, and it is woken by this step, not left for the next tick.
 */
// Its own database: a wake round claims every due enrollment, other test files' included.
setUpFreshDatabase();

describe("following the delays of a tick", () => {
  it("wakes what came due when the step starts after its tick ended", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const at = (y: number) => ({ x: 0, y });
    const { journeyId } = await publishGraph(ctx, {
      nodes: [
        { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "signed_up", filters: [] } },
        { id: "wait", type: "delay.duration", position: at(100), config: { duration: { amount: 1, unit: "minutes" } } },
        { id: "done", type: "exit", position: at(200), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "wait" },
        { id: "e2", source: "wait", target: "done" },
      ],
    });
    await new EngineDriver(ctx, new Date()).track("ada", "signed_up");
    const [waiting] = await enrollmentsOf(journeyId);
    expect(waiting).toMatchObject({ status: "WAITING", currentNodeId: "wait" });
    // the delay ended 600 ms ago, inside a tick that ended 100 ms ago
    const now = Date.now();
    await pgPool().query(`UPDATE "Enrollment" SET "wakeAt" = $2 WHERE id = $1`, [waiting.id, new Date(now - 600)]);
    const followed = await followDelaysEndingBefore(now - 100, systemClock);
    expect(followed.claimed).toBe(1);
    expect((await enrollmentsOf(journeyId))[0]).toMatchObject({ status: "COMPLETED" });
  });
});
