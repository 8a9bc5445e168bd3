import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { DAY_MS } from "../segments/evaluate";
import { createWorkspaceWithTeam } from "../testing/factories";
import { setUpFreshDatabase } from "../testing/fresh-database";
import { predictionsDueForTraining, predictionsWithLiveModel } from "./store/models";

/** The schedules' sweeps (inngest/functions/train-predictions.ts, score-predictions.ts) pick the right predictions. */

setUpFreshDatabase();

const NOW = new Date("2026-12-01T03:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY_MS);

describe("prediction schedules", () => {
  it("retrains those never trained or older than their period, not those running, recent or archived", async () => {
    const workspace = await createWorkspaceWithTeam("Schedules");
    const make = (key: string, data: Record<string, unknown>) =>
      db().prediction.create({
        data: {
          workspaceId: workspace.id,
          key,
          name: key,
          kind: "churn",
          target: { eventNames: ["Order Completed"] },
          horizonDays: 30,
          createdByLabel: "test",
          updatedByLabel: "test",
          updatedAt: daysAgo(0.01),
          ...data,
        },
      });
    const never = await make("never", {});
    const old = await make("old", { lastTrainedAt: daysAgo(8), retrainEveryDays: 7 });
    await make("recent", { lastTrainedAt: daysAgo(2), retrainEveryDays: 7 });
    await make("running", { trainingStatus: "training", lastTrainedAt: daysAgo(30) });
    const lost = await make("lost", { trainingStatus: "training", lastTrainedAt: daysAgo(30), updatedAt: daysAgo(1) });
    await make("archived", { archivedAt: daysAgo(1) });
    const due = await predictionsDueForTraining(pgPool(), NOW, 100);
    expect(due.map((p) => p.id).sort()).toEqual([never.id, old.id, lost.id].sort());
    expect(due.every((p) => p.workspaceId === workspace.id)).toBe(true);

    const modelId = randomUUID();
    await db().prediction.update({ where: { id: old.id }, data: { liveModelId: modelId } });
    expect((await predictionsWithLiveModel(pgPool(), 100)).map((p) => p.id)).toEqual([old.id]);
  });
});
