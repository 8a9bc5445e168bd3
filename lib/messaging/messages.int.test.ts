import { describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import type { TJourneyGraphInput } from "../journeys/graph";
import { EngineDriver, publishGraph } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";
import { listMessages } from "./messages";

const graph = (channel: "email" | "sms"): TJourneyGraphInput => ({
  nodes: [
    { id: "t", type: "trigger.event", position: { x: 0, y: 0 }, config: { eventName: "signed_up", filters: [] } },
    { id: "m", type: `action.${channel}`, position: { x: 0, y: 100 }, config: { templateId: `tpl_${channel}` } },
  ],
  edges: [{ id: "e", source: "t", target: "m" }],
});

describe("the Messages list", () => {
  it("searches by person, journey, channel and status, newest first, a page at a time, in the workspace only", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const email = await publishGraph(ctx, graph("email"));
    const sms = await publishGraph(ctx, graph("sms"));
    const engine = new EngineDriver(ctx, new Date("2026-05-01T08:00:00Z"));
    await engine.send([{ type: "identify", userId: "ada", traits: { email: "Ada@Example.com" } }]);
    for (const user of ["ada", "bob", "cy"]) {
      engine.advanceTime(60_000);
      await engine.track(user, "signed_up");
    }

    const all = await listMessages(ctx);
    expect(all.messages).toHaveLength(6);
    expect(all.messages[0].userId).toBe("cy"); // newest first
    expect((await listMessages(ctx, { person: "ada@example.com" })).messages.map((m) => m.channel).sort()).toEqual([
      "email",
      "sms",
    ]);
    expect((await listMessages(ctx, { journeyId: sms.journeyId })).messages.every((m) => m.channel === "sms")).toBe(
      true,
    );
    expect((await listMessages(ctx, { channel: "email" })).messages.map((m) => m.journeyId)).toEqual([
      email.journeyId,
      email.journeyId,
      email.journeyId,
    ]);
    expect((await listMessages(ctx, { status: "SENT" })).messages).toEqual([]);
    // a webhook broadcast's messages are a channel of their own: the filter takes it (none here)
    expect((await listMessages(ctx, { channel: "webhook" })).messages).toEqual([]);

    const first = await listMessages(ctx, { limit: 4 });
    const second = await listMessages(ctx, { limit: 4, before: first.next! });
    expect(first.messages).toHaveLength(4);
    expect(second.messages).toHaveLength(2);
    expect(second.next).toBeNull();
    expect(new Set([...first.messages, ...second.messages].map((m) => m.id)).size).toBe(6);

    const other = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    expect((await listMessages(other)).messages).toEqual([]);
  });

  it("names the filter at fault", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    await expect(listMessages(ctx, { channel: "fax" as never })).rejects.toMatchObject({
      code: "validation",
      fields: [{ path: "channel" }],
    });
    await expect(listMessages(ctx, { journeyId: "nope" })).rejects.toMatchObject({ fields: [{ path: "journeyId" }] });
    await expect(listMessages(ctx, { limit: 0 })).rejects.toMatchObject({ fields: [{ path: "limit" }] });
  });
});
