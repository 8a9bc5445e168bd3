import { describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { EngineDriver, publishGraph } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";
import { createPredictionRow, profileIdOf, writeScores } from "../testing/prediction-fixtures";
import { withWebhookReceiver } from "../testing/webhook-receiver";

/** A journey's webhook step reads profile.predictions like a message does (lib/engine/walk-batch.ts loads them). */
const hooks = withWebhookReceiver();

describe("prediction scores in a journey's webhook", () => {
  it("the body and URL render the person's scores; someone without one gets the default", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const churn = await createPredictionRow(ctx.workspace.id, { key: "churn" });
    await publishGraph(ctx, {
      nodes: [
        { id: "placed", type: "trigger.event", position: { x: 0, y: 0 }, config: { eventName: "Order Completed" } },
        {
          id: "hook",
          type: "action.webhook",
          position: { x: 0, y: 120 },
          config: {
            url: `${hooks.url}/risk/{{ profile.userId }}/{{ profile.predictions.churn.tier | default: "none" }}`,
            method: "POST",
            headers: {},
            body: '{"score":{{ profile.predictions.churn.score | default: -1 }},"p":{{ profile.predictions.churn.probability | default: -1 }}}',
          },
        },
      ],
      edges: [{ id: "e1", source: "placed", target: "hook" }],
    });
    const engine = new EngineDriver(ctx, new Date());
    await engine.send([
      { type: "identify", userId: "ada", traits: { plan: "pro" } },
      { type: "identify", userId: "bob", traits: { plan: "pro" } },
    ]);
    await writeScores(
      churn,
      ctx.workspace.id,
      [{ profileId: await profileIdOf(ctx.workspace.id, "ada"), score: 77 }],
      new Date(),
    );
    await engine.track("ada", "Order Completed", {});
    await engine.track("bob", "Order Completed", {});
    const ada = hooks.received.find((r) => r.url.startsWith("/risk/ada/"))!;
    expect(ada.url).toBe("/risk/ada/high");
    expect(JSON.parse(ada.body)).toEqual({ score: 77, p: 0.77 });
    const bob = hooks.received.find((r) => r.url.startsWith("/risk/bob/"))!;
    expect(bob.url).toBe("/risk/bob/none");
    expect(JSON.parse(bob.body)).toEqual({ score: -1, p: -1 });
  });
});
