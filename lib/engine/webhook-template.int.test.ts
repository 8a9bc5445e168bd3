import { describe, expect, it } from "vitest";
import { PUT as draftRoute } from "@/app/api/v1/journeys/[id]/draft/route";
import { POST as publishRoute } from "@/app/api/v1/journeys/[id]/publish/route";
import { POST as createRoute } from "@/app/api/v1/journeys/route";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { pgPool } from "../db/pool";
import type { TJourneyGraphInput } from "../journeys/graph";
import { archiveTemplate } from "../messaging/templates/archive-template";
import { createTemplate } from "../messaging/templates/create-template";
import { saveTemplate } from "../messaging/templates/save-template";
import { callRoute } from "../testing/call-route";
import { withWebhookReceiver } from "../testing/webhook-receiver";
import { EngineDriver } from "../testing/engine-driver";
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
  ],
  edges: [{ id: "e1", source: "placed", target: "hook" }],
});

async function hookCalls(journeyId: string) {
  const { rows } = await pgPool().query<{
    userId: string;
    status: string;
    error: string | null;
    attempts: number;
    inputs: Record<string, unknown>;
  }>(
    `SELECT p."userId", w.status, w.error, w.attempts, s.inputs FROM "EnrollmentStep" s JOIN "Enrollment" e ON e.id = s."enrollmentId"
       JOIN "Profile" p ON p.id = e."profileId" JOIN "WebhookCall" w ON w."enrollmentId" = e.id AND w."nodeId" = s."nodeId"
      WHERE e."journeyId" = $1 AND s."nodeId" = 'hook' ORDER BY p."userId"`,
    [journeyId],
  );
  return rows;
}

async function fixture() {
  const { key, bearer } = await ingestFixture("FULL");
  const ctx = await workspaceContextForApiKey(key);
  const journey = async (name: string, graph: TJourneyGraphInput) =>
    (await callRoute(createRoute, { method: "POST", headers: bearer, body: { name, graph } })).body.id as string;
  const publish = (id: string) => callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } });
  const setDraft = (id: string, graph: TJourneyGraphInput) =>
    callRoute(draftRoute, { method: "PUT", headers: bearer, params: { id }, body: { graph } });
  return { ctx, journey, publish, setDraft };
}

describe("a webhook step that sends a saved webhook template", () => {
  it("calls with the template's rendered body (partials included) and headers, the step's URL and headers; keeps the version pinned at publishing until republished", async () => {
    const { ctx, journey, publish } = await fixture();
    await createTemplate(ctx, {
      name: "customer",
      channel: "partial",
      content: { body: '{"id":{{ profile.userId | json }},"name":{{ profile.traits.name | default: "" | json }}}' },
    });
    const template = await createTemplate(ctx, {
      name: "Order to CRM",
      channel: "webhook",
      content: {
        contentType: "json",
        body: '{"v":1,"customer":{% render \'customer\', profile: profile %},"order":{{ event.properties.order_id | json }},"journey":"{{ journey.id }}"}',
        headers: {
          "X-Plan": "{{ profile.traits.plan | default: 'free' | upcase }}",
          Authorization: "Bearer from-template",
        },
      },
    });
    expect(template.warnings).toEqual([]);
    const id = await journey(
      "CRM sync",
      hookJourney({
        url: `${hooks.url}/crm/{{ profile.userId }}`,
        templateId: template.id,
        headers: { authorization: "Bearer from-step" },
      }),
    );
    expect((await publish(id)).status).toBe(200);

    const engine = new EngineDriver(ctx, new Date());
    await engine.send([{ type: "identify", userId: "ada", traits: { name: 'Ada "the first"', plan: "pro" } }]);
    await engine.track("ada", "Order Completed", { order_id: "A-1" });
    const first = hooks.received.find((r) => r.url === "/crm/ada")!;
    expect(JSON.parse(first.body)).toEqual({
      v: 1,
      customer: { id: "ada", name: 'Ada "the first"' },
      order: "A-1",
      journey: id,
    });
    expect(first.headers).toMatchObject({
      "content-type": "application/json",
      "x-plan": "PRO",
      authorization: "Bearer from-step",
      "idempotency-key": expect.any(String),
    });

    // an edit after publishing reaches new journey versions only
    await saveTemplate(ctx, template.id, {
      content: { contentType: "form", body: "v=2&user={{ profile.userId | url_encode }}" },
    });
    await engine.track("grace", "Order Completed", { order_id: "G-1" });
    const second = hooks.received.find((r) => r.url === "/crm/grace")!;
    expect(JSON.parse(second.body)).toMatchObject({ v: 1, customer: { id: "grace", name: "" }, order: "G-1" });
    expect(second.headers["x-plan"]).toBe("FREE");
    expect(await hookCalls(id)).toMatchObject([
      { userId: "ada", status: "succeeded", inputs: { templateId: template.id, templateVersion: 1 } },
      { userId: "grace", status: "succeeded", inputs: { templateId: template.id, templateVersion: 1 } },
    ]);

    expect((await publish(id)).status).toBe(200);
    await engine.track("linus", "Order Completed", { order_id: "L-1" });
    const third = hooks.received.find((r) => r.url === "/crm/linus")!;
    expect(third.body).toBe("v=2&user=linus");
    expect(third.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(third.headers["x-plan"]).toBeUndefined();
  });

  it("a person the template does not render for (a required variable, a body that is not JSON) fails the step with the reason and nothing is called", async () => {
    const { ctx, journey, publish } = await fixture();
    const template = await createTemplate(ctx, {
      name: "Needs a plan",
      channel: "webhook",
      content: {
        contentType: "json",
        body: '{"plan":"{{ profile.traits.plan | required }}","note":"{{ profile.traits.note }}"}',
      },
    });
    // the sample profile has a plan but no note: saved, no warning; a quote in a note breaks the JSON
    expect(template.warnings).toEqual([]);
    const id = await journey(
      "Plans",
      hookJourney({ url: `${hooks.url}/plans/{{ profile.userId }}`, templateId: template.id }),
    );
    expect((await publish(id)).status).toBe(200);
    const engine = new EngineDriver(ctx, new Date());
    await engine.send([
      { type: "identify", userId: "grace", traits: { plan: "pro" } },
      { type: "identify", userId: "quote", traits: { plan: "pro", note: 'say "hi"' } },
    ]);
    for (const userId of ["grace", "linus", "quote"]) await engine.track(userId, "Order Completed");

    expect(hooks.received.filter((r) => r.url.startsWith("/plans/")).map((r) => [r.url, r.body])).toEqual([
      ["/plans/grace", '{"plan":"pro","note":""}'],
    ]);
    expect(await hookCalls(id)).toMatchObject([
      { userId: "grace", status: "succeeded", error: null },
      {
        userId: "linus",
        status: "failed",
        attempts: 0,
        error:
          'the template "Needs a plan" (v1): content.body does not render: Liquid error: Missing required variable profile.traits.plan',
      },
      {
        userId: "quote",
        status: "failed",
        attempts: 0,
        error: expect.stringMatching(
          /^the template "Needs a plan" \(v1\): content\.body renders to something that is not JSON \(/,
        ),
      },
    ]);
  });

  it("publishing refuses a template that is missing, archived, never saved or not a webhook template (422 naming nodes.<id>.config.templateId), and a body written next to a template", async () => {
    const { ctx, journey, publish, setDraft } = await fixture();
    const id = await journey("Refusals", hookJourney({ url: `${hooks.url}/x`, templateId: crypto.randomUUID() }));
    const refusal = async (config: Record<string, unknown>) => {
      expect((await setDraft(id, hookJourney({ url: `${hooks.url}/x`, ...config }))).status).toBe(200);
      const answer = await publish(id);
      expect(answer.status).toBe(422);
      return answer.body.error.fields;
    };
    const missing = crypto.randomUUID();
    expect(await refusal({ templateId: missing })).toEqual([
      { path: "nodes.hook.config.templateId", message: `no template with id "${missing}" in this workspace` },
    ]);
    expect(await refusal({ templateId: "not-an-id" })).toEqual([
      { path: "nodes.hook.config.templateId", message: 'no template with id "not-an-id" in this workspace' },
    ]);
    expect(await refusal({ templateId: "" })).toEqual([
      { path: "nodes.hook.config.templateId", message: "is required" },
    ]);

    const email = await createTemplate(ctx, {
      name: "Receipt",
      channel: "email",
      content: { subject: "Hi", html: "<p>Hi</p>" },
    });
    expect(await refusal({ templateId: email.id })).toEqual([
      {
        path: "nodes.hook.config.templateId",
        message: 'the template "Receipt" is an email template, not a webhook template',
      },
    ]);
    const unsaved = await createTemplate(ctx, { name: "Draft hook", channel: "webhook" });
    expect(await refusal({ templateId: unsaved.id })).toEqual([
      { path: "nodes.hook.config.templateId", message: 'the template "Draft hook" has no saved version yet' },
    ]);
    const archived = await createTemplate(ctx, { name: "Old hook", channel: "webhook", content: { body: '{"a":1}' } });
    await archiveTemplate(ctx, archived.id);
    expect(await refusal({ templateId: archived.id })).toEqual([
      { path: "nodes.hook.config.templateId", message: 'the template "Old hook" is archived' },
    ]);

    const live = await createTemplate(ctx, { name: "Live hook", channel: "webhook", content: { body: '{"a":1}' } });
    expect(await refusal({ templateId: live.id, body: '{"b":2}' })).toEqual([
      {
        path: "nodes.hook.config.body",
        message: "is left out when the step uses a saved template (the template's body is sent)",
      },
    ]);
    expect((await setDraft(id, hookJourney({ url: `${hooks.url}/x`, templateId: live.id }))).status).toBe(200);
    expect((await publish(id)).status).toBe(200);
  });
});
