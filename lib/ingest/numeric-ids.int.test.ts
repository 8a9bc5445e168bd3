import { describe, expect, it } from "vitest";
import { POST as aliasRoute } from "@/app/api/v1/alias/route";
import { POST as batchRoute } from "@/app/api/v1/batch/route";
import { POST as trackRoute } from "@/app/api/v1/track/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { ingestFixture } from "../testing/ingest-helpers";

describe("ingestion: numeric ids, as Segment's API accepts them", () => {
  it("stores a numeric userId as its string, the same profile as the string form", async () => {
    const { team, bearer } = await ingestFixture();
    const numeric = await callRoute(trackRoute, {
      method: "POST",
      headers: bearer,
      body: { userId: 12345, event: "Numbered" },
    });
    expect(numeric.status).toBe(200);
    expect(
      (await callRoute(trackRoute, { method: "POST", headers: bearer, body: { userId: "12345", event: "Stringed" } }))
        .status,
    ).toBe(200);
    const events = await db().event.findMany({ where: { workspaceId: team.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.name, e.userId])).toEqual([
      ["Numbered", "12345"],
      ["Stringed", "12345"],
    ]);
    expect(events[0].profileId).toBe(events[1].profileId);
    expect(await db().profile.count({ where: { workspaceId: team.id } })).toBe(1);
  });

  it("accepts numbers for anonymousId, groupId and previousId; refuses an integer beyond 2^53 (it was already rounded)", async () => {
    const { team, bearer } = await ingestFixture();
    const response = await callRoute(batchRoute, {
      method: "POST",
      headers: bearer,
      body: {
        batch: [
          { type: "page", anonymousId: 777, name: "Home" },
          { type: "group", userId: 5, groupId: 42 },
          { type: "track", userId: 2.5, event: "Fractional" },
          { type: "track", userId: 2 ** 53, event: "Too big" },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.rejected).toEqual([
      {
        index: 3,
        path: "batch.3.userId",
        reason: "is a number too large to keep exactly (beyond 2^53); send this id as a string",
        fields: [
          {
            path: "batch.3.userId",
            message: "is a number too large to keep exactly (beyond 2^53); send this id as a string",
          },
        ],
      },
    ]);
    expect(
      (await callRoute(aliasRoute, { method: "POST", headers: bearer, body: { previousId: 777, userId: 5 } })).status,
    ).toBe(200);
    const events = await db().event.findMany({ where: { workspaceId: team.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.type, e.userId, e.anonymousId, e.properties])).toEqual([
      ["page", null, "777", { name: "Home" }],
      ["group", "5", null, { groupId: "42" }],
      ["track", "2.5", null, {}],
      ["alias", "5", null, { previousId: "777" }],
    ]);
  });
});
