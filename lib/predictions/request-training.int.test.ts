import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { createWorkspaceWithTeam } from "../testing/factories";
import { LOST_TRAINING_MS, requestTraining } from "./request-training";

/** Asking for a training queues the prediction once, in its own workspace only, and re-queues a lost run. */

const NOW = new Date("2026-12-01T10:00:00Z");

async function prediction(workspaceId: string) {
  return db().prediction.create({
    data: {
      workspaceId,
      key: `p_${randomUUID().slice(0, 8)}`,
      name: "Churn",
      kind: "churn",
      target: { eventNames: ["Order Completed"] },
      horizonDays: 30,
      trainingStatus: "failed",
      trainingError: "Training failed: earlier",
      createdByLabel: "test",
      updatedByLabel: "test",
      updatedAt: new Date(NOW.getTime() - 1000),
    },
  });
}

describe("requestTraining", () => {
  it("queues the prediction and clears the last error; a second request while queued changes nothing", async () => {
    const workspace = await createWorkspaceWithTeam("Request training");
    const p = await prediction(workspace.id);
    await requestTraining(workspace.id, p.id, () => NOW);
    const queued = await db().prediction.findUniqueOrThrow({ where: { id: p.id } });
    expect(queued).toMatchObject({ trainingStatus: "queued", trainingError: null, updatedAt: NOW });
    const later = new Date(NOW.getTime() + 60_000);
    await requestTraining(workspace.id, p.id, () => later);
    expect((await db().prediction.findUniqueOrThrow({ where: { id: p.id } })).updatedAt).toEqual(NOW);
    // a run lost for longer than LOST_TRAINING_MS may be asked again
    const lost = new Date(NOW.getTime() + LOST_TRAINING_MS + 1);
    await requestTraining(workspace.id, p.id, () => lost);
    expect((await db().prediction.findUniqueOrThrow({ where: { id: p.id } })).updatedAt).toEqual(lost);
  });

  it("does nothing under another workspace's id", async () => {
    const workspace = await createWorkspaceWithTeam("Owner");
    const other = await createWorkspaceWithTeam("Other");
    const p = await prediction(workspace.id);
    await requestTraining(other.id, p.id, () => NOW);
    expect(await db().prediction.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({
      trainingStatus: "failed",
      trainingError: "Training failed: earlier",
    });
  });
});
