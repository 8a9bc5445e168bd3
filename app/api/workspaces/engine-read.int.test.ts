/**
 * The engine's read routes (live counts, a person's journeys) at the HTTP boundary: who may read them,
 * and that other workspaces cannot.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as v1StatsRoute } from "@/app/api/v1/journeys/[id]/stats/route";
import { GET as statsRoute } from "@/app/api/workspaces/[slug]/journeys/[id]/stats/route";
import { GET as profileJourneysRoute } from "@/app/api/workspaces/[slug]/profiles/[profileId]/journeys/route";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { db, type Prisma } from "@/lib/db/client";
import { ABANDONED_CART } from "@/lib/journeys/examples";
import { callRoute } from "@/lib/testing/call-route";
import {
  contextOf,
  createUser,
  createWorkspaceWithTeam,
  sessionCookie,
  type TestWorkspace,
} from "@/lib/testing/factories";

const T0 = new Date("2026-03-02T10:00:00.000Z");

/** A published abandoned-cart journey with one person waiting for the checkout, as the engine leaves them. */
async function seeded(team: TestWorkspace) {
  const journey = await db().journey.create({
    data: {
      workspaceId: team.id,
      name: "Abandoned cart",
      status: "LIVE",
      draft: ABANDONED_CART as Prisma.InputJsonValue,
    },
  });
  const version = await db().journeyVersion.create({
    data: {
      journeyId: journey.id,
      version: 1,
      graph: ABANDONED_CART as Prisma.InputJsonValue,
      publishedByLabel: "test",
    },
  });
  await db().journey.update({ where: { id: journey.id }, data: { liveVersionId: version.id } });
  const profile = await db().profile.create({
    data: { id: randomUUID(), workspaceId: team.id, firstSeenAt: T0, lastSeenAt: T0 },
  });
  const enrollment = await db().enrollment.create({
    data: {
      workspaceId: team.id,
      journeyId: journey.id,
      journeyVersionId: version.id,
      profileId: profile.id,
      entryKey: "event:1",
      status: "WAITING",
      currentNodeId: "wait_checkout",
      wakeAt: new Date(T0.getTime() + 30 * 60_000),
      waitEventName: "checkout_completed",
      trigger: { eventId: "1", name: "cart_updated", properties: { cartId: "c1" }, timestamp: T0.toISOString() },
      enteredAt: T0,
      updatedAt: T0,
    },
  });
  await db().enrollmentStep.createMany({
    data: [
      {
        enrollmentId: enrollment.id,
        journeyId: journey.id,
        nodeId: "trigger",
        nodeType: "trigger.event",
        enteredAt: T0,
        leftAt: T0,
        exit: "next",
        outcome: "Entered on cart_updated",
      },
      {
        enrollmentId: enrollment.id,
        journeyId: journey.id,
        nodeId: "wait_checkout",
        nodeType: "wait_for_event",
        enteredAt: T0,
        outcome: "Waiting for checkout_completed",
      },
    ],
  });
  return { journey, profile, enrollment };
}

describe("journey stats", () => {
  it("a viewer reads the live counts", async () => {
    const team = await createWorkspaceWithTeam();
    const { journey } = await seeded(team);
    const response = await callRoute(statsRoute, {
      params: { slug: team.slug, id: journey.id },
      cookie: await sessionCookie(team.members.VIEWER),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.body).toMatchObject({
      journeyId: journey.id,
      totals: { enrolled: 1, active: 1, waiting: 1, completed: 0, converted: 0, exited: 0, failed: 0 },
      nodes: {
        trigger: { entered: 1, waiting: 0, left: 1 },
        wait_checkout: { entered: 1, waiting: 1, left: 0 },
        reminder: { entered: 0, waiting: 0, left: 0 },
      },
    });
    expect(typeof response.body.generatedAt).toBe("string");
  });

  it("answers 404 to someone outside the workspace, to another workspace's journey and to a malformed id", async () => {
    const team = await createWorkspaceWithTeam();
    const { journey } = await seeded(team);
    const outsider = await sessionCookie(await createUser());
    expect(
      (await callRoute(statsRoute, { params: { slug: team.slug, id: journey.id }, cookie: outsider })).status,
    ).toBe(404);

    const other = await createWorkspaceWithTeam("Other");
    const otherOwner = await sessionCookie(other.members.OWNER);
    const crossed = await callRoute(statsRoute, { params: { slug: other.slug, id: journey.id }, cookie: otherOwner });
    expect(crossed.status).toBe(404);
    expect(crossed.body.error.code).toBe("not_found");
    expect(
      (
        await callRoute(statsRoute, {
          params: { slug: team.slug, id: "nope" },
          cookie: await sessionCookie(team.members.VIEWER),
        })
      ).status,
    ).toBe(404);
  });

  it("needs a session", async () => {
    const team = await createWorkspaceWithTeam();
    const { journey } = await seeded(team);
    expect((await callRoute(statsRoute, { params: { slug: team.slug, id: journey.id } })).status).toBe(401);
  });
});

describe("GET /api/v1/journeys/<id>/stats", () => {
  it("answers a full-scope key, and refuses a missing key, a write-only key and another workspace's key", async () => {
    const team = await createWorkspaceWithTeam();
    const { journey } = await seeded(team);
    const owner = await contextOf(team, "OWNER");
    const full = (await createApiKey(owner, { name: "Reporting", scope: "FULL" })).secret;
    const write = (await createApiKey(owner, { name: "Website", scope: "WRITE" })).secret;

    const ok = await callRoute(v1StatsRoute, {
      params: { id: journey.id },
      headers: { authorization: `Bearer ${full}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.totals).toMatchObject({ enrolled: 1, active: 1, waiting: 1 });
    expect(ok.body.nodes.wait_checkout).toEqual({ entered: 1, waiting: 1, left: 0 });

    const missing = await callRoute(v1StatsRoute, { params: { id: journey.id } });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("unauthenticated");
    expect(
      (await callRoute(v1StatsRoute, { params: { id: journey.id }, headers: { authorization: `Bearer ${write}` } }))
        .status,
    ).toBe(403);

    const otherKey = (
      await createApiKey(await contextOf(await createWorkspaceWithTeam("Other"), "OWNER"), {
        name: "Theirs",
        scope: "FULL",
      })
    ).secret;
    expect(
      (await callRoute(v1StatsRoute, { params: { id: journey.id }, headers: { authorization: `Bearer ${otherKey}` } }))
        .status,
    ).toBe(404);
  });
});

describe("a person's journeys", () => {
  it("a viewer reads them, with the steps and what the person waits for", async () => {
    const team = await createWorkspaceWithTeam();
    const { journey, profile, enrollment } = await seeded(team);
    const response = await callRoute(profileJourneysRoute, {
      params: { slug: team.slug, profileId: profile.id },
      cookie: await sessionCookie(team.members.VIEWER),
    });
    expect(response.status).toBe(200);
    expect(response.body.enrollments).toHaveLength(1);
    expect(response.body.enrollments[0]).toMatchObject({
      enrollmentId: enrollment.id,
      journeyId: journey.id,
      journeyName: "Abandoned cart",
      version: 1,
      status: "WAITING",
      currentNodeId: "wait_checkout",
      waiting: { until: "2026-03-02T10:30:00.000Z", eventName: "checkout_completed" },
      steps: [
        { nodeId: "trigger", label: "Cart updated", exit: "next", outcome: "Entered on cart_updated" },
        { nodeId: "wait_checkout", label: "Checked out within 30 minutes?", exit: null, leftAt: null },
      ],
    });
    expect(response.body.enrollments[0].graph.nodes).toHaveLength(ABANDONED_CART.nodes.length);
  });

  it("answers 404 outside the workspace and for another workspace's profile", async () => {
    const team = await createWorkspaceWithTeam();
    const { profile } = await seeded(team);
    const outsider = await sessionCookie(await createUser());
    expect(
      (await callRoute(profileJourneysRoute, { params: { slug: team.slug, profileId: profile.id }, cookie: outsider }))
        .status,
    ).toBe(404);
    const other = await createWorkspaceWithTeam("Other");
    const crossed = await callRoute(profileJourneysRoute, {
      params: { slug: other.slug, profileId: profile.id },
      cookie: await sessionCookie(other.members.VIEWER),
    });
    expect(crossed.status).toBe(404);
    expect(crossed.body.error.code).toBe("not_found");
  });
});
