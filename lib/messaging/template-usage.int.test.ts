import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as usageRoute } from "@/app/api/workspaces/[slug]/templates/[id]/usage/route";
import {
  GET as updatePreviewRoute,
  POST as updateRoute,
} from "@/app/api/workspaces/[slug]/templates/[id]/update-journey/route";
import { db } from "../db/client";
import { createJourney } from "../journeys/create-journey";
import { publishJourney } from "../journeys/publish-journey";
import { saveDraft } from "../journeys/save-draft";
import type { TJourneyGraphInput } from "../journeys/graph";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { createTemplate } from "./templates/create-template";
import { saveTemplate } from "./templates/save-template";

const graphSending = (templateId: string): TJourneyGraphInput => ({
  nodes: [
    { id: "signed_up", type: "trigger.event", position: { x: 0, y: 0 }, config: { eventName: "Signed Up" } },
    { id: "welcome", type: "action.email", label: "Welcome email", position: { x: 0, y: 120 }, config: { templateId } },
  ],
  edges: [{ id: "e1", source: "signed_up", target: "welcome" }],
});

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

describe("where a template is used, and updating live journeys to its newest version", () => {
  it("lists the journeys and versions that send it, flags the outdated live one, and updates it by publishing a new version (people in v1 stay on v1)", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    const cookie = await sessionCookie(team.members.EDITOR);
    const params = (id: string) => ({ slug: team.slug, id });
    const template = await createTemplate(editor, {
      name: "Welcome",
      channel: "email",
      content: { subject: "Hi", html: "<p>Hi</p>" },
    });
    // v1 was saved two minutes ago and the journey published one minute ago (times set rather than waited for)
    await db().messageTemplateVersion.updateMany({
      where: { templateId: template.id },
      data: { createdAt: minutesAgo(2) },
    });
    const journey = await createJourney(editor, { name: "Onboarding", graph: graphSending(template.id) });
    await publishJourney(editor, journey.id);
    const v1 = await db().journeyVersion.findFirstOrThrow({ where: { journeyId: journey.id, version: 1 } });
    await db().journeyVersion.update({ where: { id: v1.id }, data: { publishedAt: minutesAgo(1) } });
    const profile = await db().profile.create({
      data: { id: randomUUID(), workspaceId: team.id, userId: "ada", firstSeenAt: new Date(), lastSeenAt: new Date() },
    });
    await db().enrollment.create({
      data: {
        workspaceId: team.id,
        journeyId: journey.id,
        journeyVersionId: v1.id,
        profileId: profile.id,
        entryKey: "api:ada",
        status: "WAITING",
        currentNodeId: "signed_up",
        trigger: {},
        enteredAt: new Date(),
        updatedAt: new Date(),
      },
    });
    // an unfinished draft edit must not ride along with the template update
    await saveDraft(editor, journey.id, {
      graph: {
        ...graphSending(template.id),
        nodes: [
          ...graphSending(template.id).nodes,
          { id: "half", type: "action.email", position: { x: 0, y: 240 }, config: {} },
        ],
      },
    });

    await saveTemplate(editor, template.id, { content: { subject: "Hello there", html: "<p>Hi</p>" } });
    const usage = await callRoute(usageRoute, { cookie, params: params(template.id) });
    expect(usage.status).toBe(200);
    expect(usage.body).toEqual({
      templateVersion: 2,
      journeys: [
        {
          id: journey.id,
          name: "Onboarding",
          status: "LIVE",
          live: {
            version: 1,
            templateVersion: 1,
            outdated: true,
            steps: [{ id: "welcome", label: "Welcome email", type: "action.email" }],
          },
          versions: [{ version: 1, templateVersion: 1, publishedAt: expect.any(String), peopleInIt: 1 }],
          inDraft: true,
        },
      ],
    });

    const preview = await callRoute(updatePreviewRoute, {
      cookie,
      params: params(template.id),
      path: `/?journeyId=${journey.id}`,
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      nextVersion: 2,
      problems: [],
      diff: {
        addedNodes: [],
        changedNodes: ["welcome"],
        nodeChanges: {
          welcome: [
            { field: "template version", before: "1", after: "2" },
            { field: "subject", before: "“Hi”", after: "“Hello there”" },
          ],
        },
      },
    });

    const updated = await callRoute(updateRoute, {
      method: "POST",
      cookie,
      params: params(template.id),
      body: { journeyId: journey.id },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ liveVersion: 2, published: { version: 2 } });
    const v2 = await db().journeyVersion.findFirstOrThrow({ where: { journeyId: journey.id, version: 2 } });
    expect((v2.graph as { nodes: { id: string }[] }).nodes.map((n) => n.id)).toEqual(["signed_up", "welcome"]);
    expect(
      await db().enrollment.findMany({ where: { journeyId: journey.id }, select: { journeyVersionId: true } }),
    ).toEqual([{ journeyVersionId: v1.id }]);
    const audit = await db().auditLog.findFirst({
      where: { workspaceId: team.id, action: "journey.published", targetId: journey.id },
      orderBy: { createdAt: "desc" },
    });
    expect(audit?.summary).toContain("v2");

    const after = await callRoute(usageRoute, { cookie, params: params(template.id) });
    expect(after.body.journeys[0].live).toMatchObject({ version: 2, templateVersion: 2, outdated: false });
    expect(
      after.body.journeys[0].versions.map((v: { version: number; peopleInIt: number }) => [v.version, v.peopleInIt]),
    ).toEqual([
      [2, 0],
      [1, 1],
    ]);

    // only journeys that send the template, by people allowed to publish
    const other = await createJourney(editor, { name: "Other", graph: { nodes: [], edges: [] } });
    expect(
      (
        await callRoute(updateRoute, {
          method: "POST",
          cookie,
          params: params(template.id),
          body: { journeyId: other.id },
        })
      ).status,
    ).toBe(422);
    const viewer = await sessionCookie(team.members.VIEWER);
    expect(
      (
        await callRoute(updateRoute, {
          method: "POST",
          cookie: viewer,
          params: params(template.id),
          body: { journeyId: journey.id },
        })
      ).status,
    ).toBe(403);
  });
});
