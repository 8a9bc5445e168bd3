import { describe, expect, it } from "vitest";
import { PUT as draftRoute } from "@/app/api/v1/journeys/[id]/draft/route";
import { POST as publishRoute } from "@/app/api/v1/journeys/[id]/publish/route";
import { POST as createRoute } from "@/app/api/v1/journeys/route";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { pgPool } from "../db/pool";
import type { TJourneyGraphInput } from "../journeys/graph";
import { callRoute } from "../testing/call-route";
import { withWebhookReceiver } from "../testing/webhook-receiver";
import { EngineDriver, enrollmentsOf } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";

/** A real local receiver for journey webhooks (lib/testing/webhook-receiver.ts). */
const hooks = withWebhookReceiver();

const hookJourney = (config: Record<string, unknown>): TJourneyGraphInput => ({
  nodes: [
    { id: "placed", type: "trigger.event", position: { x: 0, y: 0 }, config: { eventName: "Order Completed" } },
    {
      id: "hook",
      type: "action.webhook",
      position: { x: 0, y: 120 },
      config: { method: "POST", headers: {}, ...config },
    },
    { id: "tag", type: "action.update_profile", position: { x: 0, y: 240 }, config: { set: { notified: true } } },
  ],
  edges: [
    { id: "e1", source: "placed", target: "hook" },
    { id: "e2", source: "hook", target: "tag" },
  ],
});

async function hookSteps(journeyId: string) {
  const { rows } = await pgPool().query<{
    userId: string;
    outcome: string;
    status: string;
    error: string | null;
    attempts: number;
    url: string;
  }>(
    `SELECT p."userId", s.outcome, w.status, w.error, w.attempts, w.url FROM "EnrollmentStep" s JOIN "Enrollment" e ON e.id = s."enrollmentId"
       JOIN "Profile" p ON p.id = e."profileId" JOIN "WebhookCall" w ON w."enrollmentId" = e.id AND w."nodeId" = s."nodeId"
      WHERE e."journeyId" = $1 AND s."nodeId" = 'hook' ORDER BY p."userId"`,
    [journeyId],
  );
  return rows;
}

describe("a webhook step as the generic webhook channel", () => {
  it("refuses to publish Liquid that does not parse, naming nodes.<id>.config.<field> (422); fixed, it sends the rendered request", async () => {
    const { key, bearer } = await ingestFixture("FULL");
    const broken = hookJourney({
      url: `${hooks.url}/orders/{{ profile.userId`,
      headers: { "x-plan": "{{ profile.traits.plan | shout }}" },
      body: '{"order":"{{ event.properties.order_id }}"{% if profile.traits.vip %}}',
    });
    const created = await callRoute(createRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "Order hook", graph: broken },
    });
    const id = created.body.id;
    const refused = await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual([
      {
        path: "nodes.hook.config.url",
        message: expect.stringMatching(/^Liquid error: output "\{\{ profile\.userId" not closed/),
      },
      {
        path: "nodes.hook.config.headers.x-plan",
        message: expect.stringMatching(/^Liquid error: undefined filter: shout/),
      },
      { path: "nodes.hook.config.body", message: expect.stringMatching(/^Liquid error: tag .* not closed/) },
    ]);

    const fixed = hookJourney({
      url: `${hooks.url}/orders/{{ profile.userId }}?total={{ event.properties.total }}`,
      headers: { "x-plan": "{{ profile.traits.plan | default: 'free' | upcase }}" },
      body: '{"order":"{{ event.properties.order_id }}","name":{{ profile.traits.name | json }},"total":{{ event.properties.total | money: "EUR" | json }},"items":{{ event.properties.items }}{% if profile.traits.vip %},"vip":true{% endif %}}',
    });
    expect(
      (await callRoute(draftRoute, { method: "PUT", headers: bearer, params: { id }, body: { graph: fixed } })).status,
    ).toBe(200);
    const published = await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } });
    expect(published.status).toBe(200);

    const ctx = await workspaceContextForApiKey(key);
    const engine = new EngineDriver(ctx, new Date());
    await engine.send([{ type: "identify", userId: "ada/1", traits: { name: 'Ada "<b>Lovelace</b>"', vip: true } }]);
    await engine.track("ada/1", "Order Completed", {
      order_id: "A-17",
      total: 1234.5,
      items: [{ sku: "tea", qty: 2 }],
    });
    const call = hooks.received.find((r) => r.url.startsWith("/orders/ada"))!;
    // the value is percent-encoded in the URL, so its slash stays inside one path segment
    expect(call.url).toBe("/orders/ada%2F1?total=1234.5");
    expect(call.headers["x-plan"]).toBe("FREE");
    expect(JSON.parse(call.body)).toEqual({
      order: "A-17",
      name: 'Ada "<b>Lovelace</b>"',
      total: "€1,234.50",
      items: [{ sku: "tea", qty: 2 }],
      vip: true,
    });
    expect(await hookSteps(id)).toMatchObject([
      {
        userId: "ada/1",
        status: "succeeded",
        url: `${hooks.url}/orders/ada%2F1?total=1234.5`,
        outcome: `POST ${hooks.url}/orders/ada%2F1?total=1234.5: answered 200`,
      },
    ]);
  });

  it("a person for whom the Liquid does not render fails the step with the reason, no call is made, and the journey goes on", async () => {
    const { key, bearer } = await ingestFixture("FULL");
    const created = await callRoute(createRoute, {
      method: "POST",
      headers: bearer,
      body: {
        name: "Needs a plan",
        graph: hookJourney({
          url: `${hooks.url}/plans/{{ profile.userId }}`,
          body: '{"plan":"{{ profile.traits.plan | required }}"}',
        }),
      },
    });
    const id = created.body.id;
    expect((await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } })).status).toBe(200);
    const engine = new EngineDriver(await workspaceContextForApiKey(key), new Date());
    await engine.send([{ type: "identify", userId: "grace", traits: { plan: "pro" } }]);
    await engine.track("grace", "Order Completed");
    await engine.track("linus", "Order Completed");

    const calls = hooks.received.filter((r) => r.url.startsWith("/plans/"));
    expect(calls.map((c) => [c.url, c.body])).toEqual([["/plans/grace", '{"plan":"pro"}']]);
    const reason = "config.body does not render: Liquid error: Missing required variable profile.traits.plan";
    expect(await hookSteps(id)).toEqual([
      {
        userId: "grace",
        status: "succeeded",
        error: null,
        attempts: 1,
        url: `${hooks.url}/plans/grace`,
        outcome: `POST ${hooks.url}/plans/grace: answered 200`,
      },
      {
        userId: "linus",
        status: "failed",
        error: reason,
        attempts: 0,
        url: `${hooks.url}/plans/{{ profile.userId }}`,
        outcome: `POST ${hooks.url}/plans/{{ profile.userId }}: failed (${reason})`,
      },
    ]);
    expect((await enrollmentsOf(id)).map((e) => [e.userId, e.status])).toEqual([
      ["grace", "COMPLETED"],
      ["linus", "COMPLETED"],
    ]);
  });

  it("goes through the outbound guard: a blocked literal IP is refused at publishing (422 naming the field); a name that resolves to loopback without the operator's exception fails at once, not retried, and nothing is called", async () => {
    const { key, bearer } = await ingestFixture("FULL");
    const created = await callRoute(createRoute, {
      method: "POST",
      headers: bearer,
      body: {
        name: "Metadata hook",
        graph: hookJourney({ url: "http://169.254.169.254/latest/meta-data/{{ profile.userId }}" }),
      },
    });
    const id = created.body.id;
    const refused = await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual([
      {
        path: "nodes.hook.config.url",
        message:
          "the address 169.254.169.254 is a cloud metadata address; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
      },
    ]);

    // a host name is judged when it is called: localhost is loopback, which the tests' exception allows only by address
    const port = new URL(hooks.url).port;
    const named = hookJourney({ url: `http://localhost:${port}/guarded/{{ profile.userId }}` });
    expect(
      (await callRoute(draftRoute, { method: "PUT", headers: bearer, params: { id }, body: { graph: named } })).status,
    ).toBe(200);
    expect((await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } })).status).toBe(200);
    const saved = process.env.CAIRN_OUTBOUND_ALLOW;
    process.env.CAIRN_OUTBOUND_ALLOW = "";
    try {
      const engine = new EngineDriver(await workspaceContextForApiKey(key), new Date());
      await engine.track("mallory", "Order Completed");
    } finally {
      process.env.CAIRN_OUTBOUND_ALLOW = saved;
    }
    expect(hooks.received.filter((r) => r.url.startsWith("/guarded/"))).toEqual([]);
    const [step] = await hookSteps(id);
    expect(step).toMatchObject({ userId: "mallory", status: "failed", attempts: 1 });
    expect(step.error).toMatch(
      /^Request refused: the address (127\.0\.0\.1|::1) of localhost is loopback; an operator can allow it with CAIRN_OUTBOUND_ALLOW$/,
    );
  });
});
