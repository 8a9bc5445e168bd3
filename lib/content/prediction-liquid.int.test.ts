import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendBroadcastBatch } from "../broadcasts/send/send-batch";
import { sendFixture, testClock } from "../broadcasts/send/send-test-fixtures";
import { db } from "../db/client";
import { deliverMessage } from "../messaging/delivery";
import { closeSmtpTransports } from "../messaging/providers/smtp";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";
import { startSmtpSink, type SmtpSink } from "../testing/local-provider-servers";
import { messageRow, queueFor, setup } from "../testing/messaging-fixtures";
import { createPredictionRow, profileIdOf, writeScores } from "../testing/prediction-fixtures";

withEmbeddedOutbox();

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  closeSmtpTransports();
  await sink.close();
});

const T = new Date("2026-03-02T12:00:00.000Z");

describe("prediction scores in Liquid", () => {
  it("a journey's email renders profile.predictions.<key>.score, .tier, .probability and .scored_at", async () => {
    const s = await setup({
      subject: "Churn {{ profile.predictions.churn.tier }}",
      html: "<p>{{ profile.predictions.churn.score }}|{{ profile.predictions.churn.probability }}|{{ profile.predictions.churn.scored_at }}|{{ profile.predictions.ltv.score | default: 'none' }}</p>",
    });
    await s.driver.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com" } }]);
    const churn = await createPredictionRow(s.ctx.workspace.id, { key: "churn" });
    await writeScores(
      churn,
      s.ctx.workspace.id,
      [{ profileId: await profileIdOf(s.ctx.workspace.id, "ada"), score: 83 }],
      T,
    );
    const id = await queueFor(s, "ada", { email: "ada@example.com" });
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const sent = (await messageRow(id)).content as { subject: string; html: string };
    expect(sent.subject).toBe("Churn high");
    expect(sent.html).toContain(`83|0.83|${T.toISOString()}|none`);
  });

  it("a broadcast batch gives each recipient their own scores, and nothing to someone without one", async () => {
    const f = await sendFixture({
      smtpPort: sink.port,
      content: {
        subject: "{{ profile.traits.first_name }}: {{ profile.predictions.purchase.tier | default: 'unscored' }}",
        html: "<p>{{ profile.predictions.purchase.score }}</p>",
      },
      people: [
        { email: "a@example.com", traits: { first_name: "Anna" } },
        { email: "b@example.com", traits: { first_name: "Ben" } },
        { email: "c@example.com", traits: { first_name: "Cleo" } },
      ],
    });
    const purchase = await createPredictionRow(f.workspaceId, { key: "purchase" });
    await writeScores(
      purchase,
      f.workspaceId,
      [
        { profileId: f.profileIds[0], score: 12 },
        { profileId: f.profileIds[1], score: 64 },
      ],
      T,
    );
    const outcome = await sendBroadcastBatch(f.broadcastId, testClock(), { limit: 10 });
    expect(outcome).toMatchObject({ claimed: 3, sent: 3, failed: 0 });
    const sent = await Promise.all(f.messageIds.map((id) => db().message.findUniqueOrThrow({ where: { id } })));
    expect(sent.map((m) => (m.content as { subject: string }).subject)).toEqual([
      "Anna: low",
      "Ben: medium",
      "Cleo: unscored",
    ]);
    expect((sent[1].content as { html: string }).html).toContain("<p>64</p>");
  });
});
