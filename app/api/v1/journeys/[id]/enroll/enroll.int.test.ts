import { describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "@/lib/api-keys/api-keys";
import { pgPool } from "@/lib/db/pool";
import type { TJourneyGraphInput } from "@/lib/journeys/graph";
import { callRoute } from "@/lib/testing/call-route";
import { EngineDriver, publishGraph } from "@/lib/testing/engine-driver";
import { ingestFixture } from "@/lib/testing/ingest-helpers";
import { POST } from "./route";

const graph: TJourneyGraphInput = {
  nodes: [
    { id: "api", type: "trigger.api", position: { x: 0, y: 0 }, config: {} },
    { id: "done", type: "exit", position: { x: 0, y: 100 }, config: {} },
  ],
  edges: [{ id: "e1", source: "api", target: "done" }],
};

async function setUp() {
  const full = await ingestFixture("FULL");
  const ctx = await workspaceContextForApiKey(full.key);
  const { journeyId } = await publishGraph(ctx, graph);
  await new EngineDriver(ctx, new Date()).send([{ type: "identify", userId: "ada", traits: {} }]);
  const count = async () =>
    (await pgPool().query(`SELECT count(*)::int AS n FROM "Enrollment" WHERE "journeyId" = $1`, [journeyId])).rows[0].n;
  return { full, journeyId, count };
}

describe("POST /api/v1/journeys/<id>/enroll", () => {
  it("enrolls with a full key: 201, then 200 with the same enrollment for a repeated idempotency key", async () => {
    const { full, journeyId, count } = await setUp();
    const first = await callRoute(POST, {
      method: "POST",
      params: { id: journeyId },
      headers: full.bearer,
      body: { userId: "ada", idempotencyKey: "signup-1" },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ enrolled: true, reason: null });
    const again = await callRoute(POST, {
      method: "POST",
      params: { id: journeyId },
      headers: full.bearer,
      body: { userId: "ada", idempotencyKey: "signup-1" },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ enrolled: false, enrollmentId: first.body.enrollmentId });
    expect(await count()).toBe(1);
  });

  it("refuses bad input with the field at fault and stores nothing", async () => {
    const { full, journeyId, count } = await setUp();
    const cases: [unknown, number, string][] = [
      [{}, 422, "userId"],
      [{ userId: "ada", profileId: "x" }, 422, "userId"],
      [{ userId: "" }, 422, "userId"],
      [{ userId: "ada", properties: "not an object" }, 422, "properties"],
      [{ userId: "ada", colour: "red" }, 422, ""],
      [{ userId: "nobody" }, 404, ""],
    ];
    for (const [body, status, field] of cases) {
      const response = await callRoute(POST, { method: "POST", params: { id: journeyId }, headers: full.bearer, body });
      expect(response.status, JSON.stringify(body)).toBe(status);
      if (field) expect(JSON.stringify(response.body), JSON.stringify(body)).toContain(field);
    }
    const malformed = await callRoute(POST, {
      method: "POST",
      params: { id: journeyId },
      headers: full.bearer,
      rawBody: "{nope",
    });
    expect(malformed.status).toBe(400);
    expect(await count()).toBe(0);
  });

  it("needs a full key of the journey's own workspace", async () => {
    const { journeyId, count } = await setUp();
    const write = await ingestFixture("WRITE");
    const other = await ingestFixture("FULL");
    expect((await callRoute(POST, { method: "POST", params: { id: journeyId }, body: { userId: "ada" } })).status).toBe(
      401,
    );
    expect(
      (
        await callRoute(POST, {
          method: "POST",
          params: { id: journeyId },
          headers: write.bearer,
          body: { userId: "ada" },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await callRoute(POST, {
          method: "POST",
          params: { id: journeyId },
          headers: other.bearer,
          body: { userId: "ada" },
        })
      ).status,
    ).toBe(404);
    expect(await count()).toBe(0);
  });
});
