import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { pgPool } from "../db/pool";
import { ingest } from "../ingest/ingest";
import { enrollmentsOf, publishGraph } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";
import { processIngestedEvents } from "./process-events";
import { walkEnrollments } from "./walk-enrollments";

/**
 * A batch walk makes the webhook calls its people reach (two in a row here), against a real local receiver:
 * one call per person and node, also when the same walk is repeated; a call another worker holds is left to
 * advance-enrollment, and the rest of the batch goes on without it.
 */
let receiver: Server;
let url: string;
const calls: string[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    calls.push(`${req.url}:${req.headers["idempotency-key"]}`);
    setTimeout(() => res.end("ok"), 5);
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const PEOPLE = 40;
const at = (y: number) => ({ x: 0, y });

async function twoHookJourney(event: string) {
  const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
  const { journeyId } = await publishGraph(ctx, {
    nodes: [
      { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: event, filters: [] } },
      {
        id: "first",
        type: "action.webhook",
        position: at(100),
        config: { url: `${url}/first`, method: "POST", headers: {}, body: "{}" },
      },
      {
        id: "second",
        type: "action.webhook",
        position: at(200),
        config: { url: `${url}/second`, method: "POST", headers: {}, body: "{}" },
      },
      { id: "wait", type: "delay.duration", position: at(300), config: { duration: { amount: 1, unit: "hours" } } },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "first" },
      { id: "e2", source: "first", target: "second" },
      { id: "e3", source: "second", target: "wait" },
    ],
  });
  const batch = Array.from({ length: PEOPLE }, (_, i) => ({ type: "track", userId: `p${i}`, event }));
  const stored = await ingest(ctx, JSON.stringify({ batch }), "batch");
  const { advance } = await processIngestedEvents(ctx.workspace.id, stored.eventIds, new Date());
  return { journeyId, advance };
}

describe("webhook calls made by a batch walk", () => {
  it("calls each person's two webhooks once and walks everyone on to the delay; the same walk again calls nobody", async () => {
    const { journeyId, advance } = await twoHookJourney("batch_hooks");
    expect(advance).toHaveLength(PEOPLE);
    calls.length = 0;

    const walked = await walkEnrollments(advance, () => new Date(), { webhook: { maxAttempts: 1 } });
    expect(walked.needWebhook).toEqual([]);
    expect(calls).toHaveLength(2 * PEOPLE);
    expect(new Set(calls).size).toBe(2 * PEOPLE);
    expect(calls.filter((c) => c.startsWith("/first:"))).toHaveLength(PEOPLE);
    const enrollments = await enrollmentsOf(journeyId);
    expect(enrollments.map((e) => e.currentNodeId)).toEqual(Array(PEOPLE).fill("wait"));

    // A retried step: the calls are recorded as made, everyone is past them.
    const again = await walkEnrollments(advance, () => new Date(), { webhook: { maxAttempts: 1 } });
    expect(again).toMatchObject({ needWebhook: [], steps: 0 });
    expect(calls).toHaveLength(2 * PEOPLE);
  });

  it("leaves a call another worker is making to advance-enrollment and takes everyone else on", async () => {
    const { journeyId, advance } = await twoHookJourney("batch_hooks_busy");
    const [held] = advance;
    // Another worker's claim on the first person's first call, still running.
    await pgPool().query(
      `INSERT INTO "WebhookCall" (id, "workspaceId", "enrollmentId", "nodeId", visit, url, method, "claimedUntil")
       SELECT gen_random_uuid(), "workspaceId", id, 'first', 1, $2, 'POST', now() + interval '1 minute' FROM "Enrollment" WHERE id = $1`,
      [held, `${url}/first`],
    );
    calls.length = 0;
    const walked = await walkEnrollments(advance, () => new Date(), { webhook: { maxAttempts: 1 } });
    expect(walked.needWebhook.map((w) => [w.enrollmentId, w.nodeId])).toEqual([[held, "first"]]);
    expect(calls).toHaveLength(2 * (PEOPLE - 1));
    const byNode = new Map((await enrollmentsOf(journeyId)).map((e) => [e.id, e.currentNodeId]));
    expect(byNode.get(held)).toBe("first");
    expect([...byNode.values()].filter((n) => n === "wait")).toHaveLength(PEOPLE - 1);
  });
});
