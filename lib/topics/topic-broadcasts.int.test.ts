import { describe, expect, it } from "vitest";
import { materializeNextChunk } from "../broadcasts/audience/materialize-audience";
import {
  AT,
  broadcastWorld,
  createPeople,
  createSegmentRow,
  createTemplateRow,
  draftBody,
} from "../broadcasts/broadcast-fixtures";
import { createBroadcast } from "../broadcasts/create-broadcast";
import { estimateBroadcast } from "../broadcasts/estimate-audience";
import { sendBroadcast } from "../broadcasts/send-broadcast";
import { updateBroadcast } from "../broadcasts/update-broadcast";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { AppError } from "../errors";
import { archiveTopic, createTopic } from "./manage-topics";
import { upsertTopicSubscription } from "./store/topics";

/**
 * A broadcast's topic: chosen on the draft (this workspace's, not archived: else a 422 naming topicId, nothing
 * changed), counted by the audience estimate as delivery will check it, and copied onto every materialized message.
 */

async function fieldOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError && error.code === "validation") return error.fields[0]?.path;
    throw error;
  }
  return undefined;
}

describe("a broadcast's subscription topic", () => {
  it("is checked on the draft, counted by the estimate, and copied onto each message", async () => {
    const w = await broadcastWorld();
    const admin = await w.as("ADMIN");
    const editor = await w.as("EDITOR");
    const workspaceId = w.team.id;
    const segment = await createSegmentRow(workspaceId);
    const templateId = await createTemplateRow(workspaceId);
    const people = await createPeople(workspaceId, [
      { segments: [segment] },
      { segments: [segment] },
      { segments: [segment] },
    ]);
    const news = await createTopic(admin, { key: "news", name: "Product news", category: "marketing" });
    const old = await createTopic(admin, { key: "old", name: "Old", category: "marketing" });
    await archiveTopic(admin, old.id);
    const other = await broadcastWorld();
    const theirs = await createTopic(await other.as("ADMIN"), { key: "news", name: "Theirs", category: "marketing" });

    for (const topicId of [old.id, theirs.id, "not-a-uuid", "7d9c8f5e-2b8a-4c1e-9f3a-1b2c3d4e5f60"])
      expect(await fieldOf(createBroadcast(editor, draftBody([segment], templateId, { topicId }))), topicId).toBe(
        "topicId",
      );
    expect(await db().broadcast.count({ where: { workspaceId } })).toBe(0);

    const draft = await createBroadcast(editor, draftBody([segment], templateId, { topicId: news.id }));
    expect(draft.topicId).toBe(news.id);
    expect(draft.topic).toEqual({ id: news.id, key: "news", name: "Product news", archived: false });
    expect(await fieldOf(updateBroadcast(editor, draft.id, { topicId: theirs.id }))).toBe("topicId");

    await upsertTopicSubscription(pgPool(), {
      workspaceId,
      profileId: people[0],
      topicId: news.id,
      status: "unsubscribed",
      source: "api",
      at: AT,
    });
    const estimate = await estimateBroadcast(editor, draft.id);
    expect(estimate).toMatchObject({ inSegments: 3, unsubscribedFromTopic: 1, willBeSent: 2 });
    // the editor's unsaved choice is laid over the saved draft
    expect(await estimateBroadcast(editor, draft.id, { topicId: null })).toMatchObject({
      unsubscribedFromTopic: 0,
      willBeSent: 3,
    });

    await db().broadcast.update({ where: { id: draft.id }, data: { status: "SENDING", startedAt: AT } });
    await materializeNextChunk(draft.id, AT);
    const messages = await db().message.findMany({ where: { broadcastId: draft.id } });
    expect(messages).toHaveLength(3);
    expect(new Set(messages.map((m) => m.topicId))).toEqual(new Set([news.id]));

    // a topic archived after a draft chose it: the draft cannot be sent until it chooses another (or none)
    const later = await createBroadcast(editor, draftBody([segment], templateId, { topicId: news.id }));
    await archiveTopic(admin, news.id);
    expect(await fieldOf(sendBroadcast(admin, later.id, { schedule: { kind: "now" } }))).toBe("topicId");
    expect((await db().broadcast.findUniqueOrThrow({ where: { id: later.id } })).status).toBe("DRAFT");
  });
});
