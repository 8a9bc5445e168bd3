import { describe, expect, it } from "vitest";
import { GET as getRoute } from "@/app/api/v1/journeys/[id]/route";
import { PUT as draftRoute } from "@/app/api/v1/journeys/[id]/draft/route";
import { POST as pauseRoute } from "@/app/api/v1/journeys/[id]/pause/route";
import { GET as previewRoute, POST as publishRoute } from "@/app/api/v1/journeys/[id]/publish/route";
import { POST as resumeRoute } from "@/app/api/v1/journeys/[id]/resume/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/journeys/route";
import { POST as createTemplateRoute } from "@/app/api/v1/templates/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { ingestFixture } from "../testing/ingest-helpers";
import { ABANDONED_CART } from "./examples";
import type { TJourneyGraphInput } from "./graph";

/** Publishable in an empty workspace: it refers to no message template and no segment (those must exist to publish). */
const WELCOME: TJourneyGraphInput = {
  nodes: [
    { id: "signed_up", type: "trigger.event", position: { x: 0, y: 0 }, config: { eventName: "Signed Up" } },
    {
      id: "wait",
      type: "delay.duration",
      position: { x: 0, y: 120 },
      config: { duration: { amount: 1, unit: "days" } },
    },
    { id: "tag", type: "action.update_profile", position: { x: 0, y: 240 }, config: { set: { onboarding: "day-1" } } },
    { id: "activated", type: "goal", position: { x: 0, y: 360 }, config: { eventName: "Project Created" } },
  ],
  edges: [
    { id: "e1", source: "signed_up", target: "wait" },
    { id: "e2", source: "wait", target: "tag" },
    { id: "e3", source: "tag", target: "activated" },
  ],
};

describe("journeys as code", () => {
  it("create, read, save a draft, publish v1 and v2 with a diff, pause and resume", async () => {
    const { team, bearer } = await ingestFixture("FULL");
    const created = await callRoute(createRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "Welcome", graph: WELCOME },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Welcome", status: "DRAFT", liveVersion: null, problems: [] });
    const id = created.body.id;

    const v1 = await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({
      status: "LIVE",
      liveVersion: 1,
      published: { version: 1, diff: { addedNodes: ["signed_up", "wait", "tag", "activated"] } },
    });

    const changed = structuredClone(WELCOME);
    changed.nodes[1].config = { duration: { amount: 2, unit: "days" } };
    changed.nodes[1].position = { x: 50, y: 120 }; // moving is not a change
    expect(
      (await callRoute(draftRoute, { method: "PUT", headers: bearer, params: { id }, body: { graph: changed } }))
        .status,
    ).toBe(200);
    const preview = await callRoute(previewRoute, { headers: bearer, params: { id } });
    expect(preview.body).toEqual({
      nextVersion: 2,
      problems: [],
      diff: {
        addedNodes: [],
        removedNodes: [],
        changedNodes: ["wait"],
        nodeChanges: { wait: [{ field: "duration.amount", before: "1", after: "2" }] },
        addedEdges: [],
        removedEdges: [],
        settingsChanged: false,
      },
    });
    const v2 = await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } });
    expect(v2.body.liveVersion).toBe(2);
    expect(v2.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    expect((await callRoute(pauseRoute, { method: "POST", headers: bearer, params: { id } })).body.status).toBe(
      "PAUSED",
    );
    expect((await callRoute(pauseRoute, { method: "POST", headers: bearer, params: { id } })).status).toBe(409);
    expect((await callRoute(resumeRoute, { method: "POST", headers: bearer, params: { id } })).body.status).toBe(
      "LIVE",
    );
    expect(
      (await callRoute(listRoute, { headers: bearer })).body.journeys.map((j: { name: string }) => j.name),
    ).toEqual(["Welcome"]);

    const audit = await db().auditLog.findMany({
      where: { workspaceId: team.id, targetId: id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.summary)).toEqual([
      'Created the journey "Welcome"',
      'Published "Welcome" as v1',
      'Published "Welcome" as v2',
      'Paused "Welcome"',
      'Resumed "Welcome"',
    ]);
  });

  it("saves an unfinished draft but refuses to publish it, listing every problem by node and field (422)", async () => {
    const { bearer } = await ingestFixture("FULL");
    const created = await callRoute(createRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "Abandoned cart", graph: ABANDONED_CART },
    });
    expect(created.status).toBe(201);
    expect(created.body.problems).toEqual([
      {
        nodeId: "reminder",
        path: "config.templateId",
        message: 'no template with id "tpl_cart_reminder" in this workspace',
      },
      {
        nodeId: "discount",
        path: "config.templateId",
        message: 'no template with id "tpl_cart_discount" in this workspace',
      },
    ]);
    const refused = await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id: created.body.id } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual([
      {
        path: "nodes.reminder.config.templateId",
        message: 'no template with id "tpl_cart_reminder" in this workspace',
      },
      {
        path: "nodes.discount.config.templateId",
        message: 'no template with id "tpl_cart_discount" in this workspace',
      },
    ]);
    expect((await callRoute(getRoute, { headers: bearer, params: { id: created.body.id } })).body).toMatchObject({
      status: "DRAFT",
      liveVersion: null,
    });
  });

  it("refuses a malformed graph (422 naming the node) and leaves the stored draft as it was", async () => {
    const { bearer } = await ingestFixture("FULL");
    const created = await callRoute(createRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "Welcome", graph: WELCOME },
    });
    const broken = structuredClone(WELCOME) as { nodes: { type: string }[] };
    broken.nodes[2].type = "action.fax";
    const response = await callRoute(draftRoute, {
      method: "PUT",
      headers: bearer,
      params: { id: created.body.id },
      body: { graph: broken },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual([{ path: "nodes.tag.type", message: "is not a known node type" }]);
    const stored = await callRoute(getRoute, { headers: bearer, params: { id: created.body.id } });
    expect(stored.body.draft.nodes[2].type).toBe("action.update_profile");
    expect((await callRoute(createRoute, { method: "POST", headers: bearer, body: { name: " " } })).status).toBe(422);
  });

  it("needs a full key to change anything and stays inside the key's workspace", async () => {
    const owner = await ingestFixture("FULL");
    const created = await callRoute(createRoute, {
      method: "POST",
      headers: owner.bearer,
      body: { name: "Welcome", graph: WELCOME },
    });
    const writeOnly = await ingestFixture("WRITE");
    expect(
      (await callRoute(createRoute, { method: "POST", headers: writeOnly.bearer, body: { name: "X" } })).status,
    ).toBe(403);
    const stranger = await ingestFixture("FULL");
    for (const response of [
      await callRoute(getRoute, { headers: stranger.bearer, params: { id: created.body.id } }),
      await callRoute(publishRoute, { method: "POST", headers: stranger.bearer, params: { id: created.body.id } }),
      await callRoute(draftRoute, {
        method: "PUT",
        headers: stranger.bearer,
        params: { id: created.body.id },
        body: { graph: { nodes: [], edges: [] } },
      }),
    ]) {
      expect(response.status).toBe(404);
    }
    expect(
      (await callRoute(getRoute, { headers: owner.bearer, params: { id: created.body.id } })).body.draft.nodes,
    ).toHaveLength(4);
  });
});

describe("journey housekeeping", () => {
  it("renames, duplicates, archives and restores", async () => {
    const { team, bearer } = await ingestFixture("FULL");
    const { contextOf } = await import("../testing/factories");
    const { renameJourney } = await import("./rename-journey");
    const { duplicateJourney } = await import("./create-journey");
    const { archiveJourney, restoreJourney } = await import("./change-journey-status");
    const { listJourneys } = await import("./read-journeys");
    const ctx = await contextOf(team, "EDITOR");
    const created = await callRoute(createRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "Welcome", graph: WELCOME },
    });
    const id = created.body.id;
    expect((await renameJourney(ctx, id, { name: "Welcome series" })).name).toBe("Welcome series");
    const copy = await duplicateJourney(ctx, id);
    expect(copy).toMatchObject({ name: "Welcome series (copy)", status: "DRAFT" });
    expect(copy.draft.nodes).toHaveLength(4);
    expect((await archiveJourney(ctx, id)).status).toBe("ARCHIVED");
    expect((await listJourneys(ctx)).map((j) => j.name)).toEqual(["Welcome series (copy)"]);
    expect((await listJourneys(ctx, { status: "ARCHIVED" })).map((j) => j.name)).toEqual(["Welcome series"]);
    expect((await restoreJourney(ctx, id)).status).toBe("DRAFT");
    await expect(renameJourney(await contextOf(team, "VIEWER"), id, { name: "Viewer's" })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(listJourneys(ctx, { status: "GONE" })).rejects.toMatchObject({ code: "validation" });
  });
});

describe("journeys that send messages", () => {
  it("publish once the step's template exists in the workspace, and are refused (422 naming the node) before, for another channel, or once it is archived", async () => {
    const { team, bearer } = await ingestFixture("FULL");
    const emailStep = (templateId: string): TJourneyGraphInput => ({
      nodes: [
        { id: "signed_up", type: "trigger.event", position: { x: 0, y: 0 }, config: { eventName: "Signed Up" } },
        { id: "welcome", type: "action.email", position: { x: 0, y: 120 }, config: { templateId } },
      ],
      edges: [{ id: "e1", source: "signed_up", target: "welcome" }],
    });
    const missing = crypto.randomUUID();
    const created = await callRoute(createRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "Welcome email", graph: emailStep(missing) },
    });
    const id = created.body.id;
    const refused = await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual([
      { path: "nodes.welcome.config.templateId", message: `no template with id "${missing}" in this workspace` },
    ]);

    const sms = await callRoute(createTemplateRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "SMS", channel: "sms", content: { body: "Hi" } },
    });
    await callRoute(draftRoute, {
      method: "PUT",
      headers: bearer,
      params: { id },
      body: { graph: emailStep(sms.body.id) },
    });
    const wrongChannel = await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } });
    expect(wrongChannel.status).toBe(422);
    expect(wrongChannel.body.error.fields).toEqual([
      {
        path: "nodes.welcome.config.templateId",
        message: `the template "${sms.body.id}" is for SMS messages, not email`,
      },
    ]);

    const email = await callRoute(createTemplateRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "Welcome", channel: "email", content: { subject: "Hi", html: "<p>Hi</p>" } },
    });
    await callRoute(draftRoute, {
      method: "PUT",
      headers: bearer,
      params: { id },
      body: { graph: emailStep(email.body.id) },
    });
    const published = await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id } });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: "LIVE", liveVersion: 1, problems: [] });

    const { contextOf } = await import("../testing/factories");
    const { archiveTemplate } = await import("../messaging/templates/archive-template");
    await archiveTemplate(await contextOf(team, "EDITOR"), email.body.id);
    expect((await callRoute(getRoute, { headers: bearer, params: { id } })).body.problems).toEqual([
      {
        nodeId: "welcome",
        path: "config.templateId",
        message: `no template with id "${email.body.id}" in this workspace`,
      },
    ]);
  });
});
