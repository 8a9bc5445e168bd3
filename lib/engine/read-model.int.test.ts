/**
 * The engine's read model against a real database: rows are inserted the way the engine writes them
 * (Enrollment, EnrollmentStep, Conversion), then counted and traced.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, type Prisma } from "../db/client";
import { ABANDONED_CART } from "../journeys/examples";
import { contextOf, createWorkspaceWithTeam, type TestWorkspace } from "../testing/factories";
import { journeyStats, profileJourneys } from "./read-model";

const T0 = new Date("2026-03-02T10:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

async function createProfile(workspaceId: string, mergedIntoId?: string) {
  return db().profile.create({
    data: { id: randomUUID(), workspaceId, firstSeenAt: T0, lastSeenAt: T0, mergedIntoId },
  });
}

async function publishedJourney(team: TestWorkspace, name = "Abandoned cart", versions = 1) {
  const journey = await db().journey.create({
    data: { workspaceId: team.id, name, status: "LIVE", draft: ABANDONED_CART as Prisma.InputJsonValue },
  });
  const created = [];
  for (let version = 1; version <= versions; version++) {
    const graph = structuredClone(ABANDONED_CART);
    if (version > 1) graph.nodes[3].label = `You left something (v${version})`;
    created.push(
      await db().journeyVersion.create({
        data: { journeyId: journey.id, version, graph: graph as Prisma.InputJsonValue, publishedByLabel: "test" },
      }),
    );
  }
  await db().journey.update({ where: { id: journey.id }, data: { liveVersionId: created[created.length - 1].id } });
  return { journey, versions: created };
}

type Step = [
  nodeId: string,
  nodeType: string,
  exit: string | null,
  left: boolean,
  outcome?: string,
  inputs?: Record<string, unknown>,
];

async function enroll(
  team: TestWorkspace,
  journeyId: string,
  versionId: string,
  profileId: string,
  opts: {
    status: Prisma.EnrollmentCreateInput["status"];
    node: string;
    enteredAt: Date;
    steps: Step[];
    wait?: Partial<Prisma.EnrollmentCreateInput>;
    endReason?: string;
  },
) {
  const ended = !["ACTIVE", "WAITING"].includes(opts.status ?? "ACTIVE");
  const enrollment = await db().enrollment.create({
    data: {
      workspaceId: team.id,
      journeyId,
      journeyVersionId: versionId,
      profileId,
      entryKey: `event:${randomUUID()}`,
      status: opts.status,
      currentNodeId: opts.node,
      trigger: {
        eventId: "1",
        name: "cart_updated",
        properties: { cartId: "c1" },
        timestamp: opts.enteredAt.toISOString(),
      },
      enteredAt: opts.enteredAt,
      updatedAt: opts.enteredAt,
      endedAt: ended ? at(opts.steps.length + 100) : null,
      endReason: opts.endReason ?? null,
      ...opts.wait,
    },
  });
  // Inserted in reverse so that order comes from enteredAt, not from insertion.
  const rows = opts.steps.map(([nodeId, nodeType, exit, left, outcome, inputs], i) => ({
    enrollmentId: enrollment.id,
    journeyId,
    nodeId,
    nodeType,
    enteredAt: new Date(opts.enteredAt.getTime() + i * 1000),
    leftAt: left ? new Date(opts.enteredAt.getTime() + i * 1000 + 500) : null,
    exit,
    outcome: outcome ?? "",
    inputs: (inputs ?? {}) as Prisma.InputJsonValue,
  }));
  for (const row of rows.reverse()) await db().enrollmentStep.create({ data: row });
  return enrollment;
}

const TRIGGER: Step = ["trigger", "trigger.event", "next", true, "Entered on cart_updated"];
const WAITED_ARRIVED: Step = [
  "wait_checkout",
  "wait_for_event",
  "arrived",
  true,
  "checkout_completed arrived for cart c1",
  { cartId: "c1" },
];
const WAITED_TIMED_OUT: Step = [
  "wait_checkout",
  "wait_for_event",
  "timed_out",
  true,
  "No checkout_completed within 30 minutes",
];
const REMINDED: Step = ["reminder", "action.email", "next", true, "Queued tpl_cart_reminder"];

/** The abandoned-cart journey, published twice, with people in every state. */
async function populated() {
  const team = await createWorkspaceWithTeam();
  const { journey, versions } = await publishedJourney(team, "Abandoned cart", 2);
  const [v1, v2] = versions;
  const person = async () => (await createProfile(team.id)).id;
  const j = journey.id;
  // waiting for the checkout (v1 and v2)
  await enroll(team, j, v1.id, await person(), {
    status: "WAITING",
    node: "wait_checkout",
    enteredAt: at(0),
    steps: [TRIGGER, ["wait_checkout", "wait_for_event", null, false]],
    wait: { wakeAt: at(30), waitEventName: "checkout_completed", waitMatchProperty: "cartId", waitMatchValue: '"c1"' },
  });
  await enroll(team, j, v2.id, await person(), {
    status: "WAITING",
    node: "wait_checkout",
    enteredAt: at(1),
    steps: [TRIGGER, ["wait_checkout", "wait_for_event", null, false]],
    wait: { wakeAt: at(31), waitEventName: "checkout_completed" },
  });
  // checked out: done
  await enroll(team, j, v1.id, await person(), {
    status: "COMPLETED",
    node: "checked_out",
    enteredAt: at(2),
    steps: [TRIGGER, WAITED_ARRIVED, ["checked_out", "exit", null, true]],
    endReason: "Reached the exit step",
  });
  // in the 3-day delay
  await enroll(team, j, v1.id, await person(), {
    status: "WAITING",
    node: "wait_3_days",
    enteredAt: at(3),
    steps: [TRIGGER, WAITED_TIMED_OUT, REMINDED, ["wait_3_days", "delay.duration", null, false]],
    wait: { wakeAt: at(3 * 24 * 60) },
  });
  // being advanced at the condition
  await enroll(team, j, v2.id, await person(), {
    status: "ACTIVE",
    node: "has_ordered",
    enteredAt: at(4),
    steps: [
      TRIGGER,
      WAITED_TIMED_OUT,
      REMINDED,
      ["wait_3_days", "delay.duration", "next", true],
      ["has_ordered", "condition", null, false],
    ],
  });
  // unsubscribed after the reminder
  await enroll(team, j, v1.id, await person(), {
    status: "EXITED",
    node: "reminder",
    enteredAt: at(5),
    steps: [TRIGGER, WAITED_TIMED_OUT, REMINDED],
    endReason: "Exit event unsubscribed",
  });
  // converted: ordered after the discount
  const convertedProfile = await person();
  const converted = await enroll(team, j, v2.id, convertedProfile, {
    status: "CONVERTED",
    node: "ordered",
    enteredAt: at(6),
    steps: [
      TRIGGER,
      WAITED_TIMED_OUT,
      REMINDED,
      ["wait_3_days", "delay.duration", "next", true],
      ["has_ordered", "condition", "no", true],
      ["discount", "action.email", "next", true],
      ["ordered", "goal", null, true],
    ],
  });
  await db().conversion.create({
    data: {
      enrollmentId: converted.id,
      workspaceId: team.id,
      journeyId: j,
      profileId: convertedProfile,
      eventId: 42n,
      eventName: "order_completed",
      convertedAt: at(7),
    },
  });
  // failed at the webhook-less email
  await enroll(team, j, v1.id, await person(), {
    status: "FAILED",
    node: "reminder",
    enteredAt: at(8),
    steps: [TRIGGER, WAITED_TIMED_OUT, ["reminder", "action.email", null, false]],
    endReason: "Template missing",
  });
  return { team, journey };
}

describe("journeyStats", () => {
  it("counts people per status and per node, across versions", async () => {
    const { team, journey } = await populated();
    const now = new Date("2026-03-03T00:00:00.000Z");
    const stats = await journeyStats(await contextOf(team, "VIEWER"), journey.id, now);
    expect(stats.journeyId).toBe(journey.id);
    expect(stats.generatedAt).toBe(now.toISOString());
    expect(stats.totals).toEqual({
      enrolled: 8,
      active: 4,
      waiting: 3,
      completed: 1,
      converted: 1,
      exited: 1,
      failed: 1,
    });
    expect(stats.nodes).toEqual({
      trigger: { entered: 8, waiting: 0, left: 8 },
      wait_checkout: { entered: 8, waiting: 2, left: 6 },
      checked_out: { entered: 1, waiting: 0, left: 1 },
      reminder: { entered: 5, waiting: 0, left: 4 },
      wait_3_days: { entered: 3, waiting: 1, left: 2 },
      has_ordered: { entered: 2, waiting: 1, left: 1 },
      // nodes of the live version nobody reached yet are there, with zeros
      done: { entered: 0, waiting: 0, left: 0 },
      discount: { entered: 1, waiting: 0, left: 1 },
      ordered: { entered: 1, waiting: 0, left: 1 },
    });
  });

  it("is all zeros for a journey nobody entered, and for a draft that was never published", async () => {
    const team = await createWorkspaceWithTeam();
    const { journey } = await publishedJourney(team);
    const stats = await journeyStats(await contextOf(team, "VIEWER"), journey.id);
    expect(stats.totals).toEqual({
      enrolled: 0,
      active: 0,
      waiting: 0,
      completed: 0,
      converted: 0,
      exited: 0,
      failed: 0,
    });
    expect(Object.keys(stats.nodes)).toHaveLength(ABANDONED_CART.nodes.length);
    expect(Object.values(stats.nodes).every((n) => n.entered === 0 && n.waiting === 0 && n.left === 0)).toBe(true);

    const draft = await db().journey.create({
      data: { workspaceId: team.id, name: "Draft", draft: ABANDONED_CART as Prisma.InputJsonValue },
    });
    expect((await journeyStats(await contextOf(team, "VIEWER"), draft.id)).nodes).toEqual({});
  });

  it("answers not_found for another workspace's journey and for a malformed id", async () => {
    const { journey } = await populated();
    const other = await contextOf(await createWorkspaceWithTeam("Other"), "OWNER");
    await expect(journeyStats(other, journey.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(journeyStats(other, "not-a-uuid")).rejects.toMatchObject({ code: "not_found" });
    await expect(journeyStats(other, randomUUID())).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("profileJourneys", () => {
  it("lists a person's enrollments newest first, each with its steps in order and its version's graph", async () => {
    const team = await createWorkspaceWithTeam();
    const cart = await publishedJourney(team, "Abandoned cart", 2);
    const winback = await publishedJourney(team, "Win-back");
    const profile = await createProfile(team.id);
    const bystander = await createProfile(team.id);

    const first = await enroll(team, cart.journey.id, cart.versions[0].id, profile.id, {
      status: "COMPLETED",
      node: "checked_out",
      enteredAt: at(0),
      steps: [TRIGGER, WAITED_ARRIVED, ["checked_out", "exit", null, true, "Left the journey at Checked out"]],
      endReason: "Reached the exit step",
    });
    const second = await enroll(team, cart.journey.id, cart.versions[1].id, profile.id, {
      status: "WAITING",
      node: "wait_3_days",
      enteredAt: at(60 * 24 * 8),
      steps: [TRIGGER, WAITED_TIMED_OUT, REMINDED, ["wait_3_days", "delay.duration", null, false, "Waiting 3 days"]],
      wait: { wakeAt: at(60 * 24 * 11) },
    });
    const third = await enroll(team, winback.journey.id, winback.versions[0].id, profile.id, {
      status: "WAITING",
      node: "wait_checkout",
      enteredAt: at(60 * 24 * 9),
      steps: [TRIGGER, ["wait_checkout", "wait_for_event", null, false]],
      wait: {
        wakeAt: at(60 * 24 * 9 + 30),
        waitEventName: "checkout_completed",
        waitMatchProperty: "cartId",
        waitMatchValue: '"c1"',
      },
    });
    await enroll(team, cart.journey.id, cart.versions[0].id, bystander.id, {
      status: "ACTIVE",
      node: "trigger",
      enteredAt: at(5),
      steps: [],
    });

    const list = await profileJourneys(await contextOf(team, "VIEWER"), profile.id);
    expect(list.map((e) => e.enrollmentId)).toEqual([third.id, second.id, first.id]);

    expect(list[0]).toMatchObject({
      journeyId: winback.journey.id,
      journeyName: "Win-back",
      version: 1,
      status: "WAITING",
      currentNodeId: "wait_checkout",
      endedAt: null,
      waiting: {
        until: at(60 * 24 * 9 + 30).toISOString(),
        eventName: "checkout_completed",
        matchProperty: "cartId",
        matchValue: "c1",
      },
      trigger: { name: "cart_updated", properties: { cartId: "c1" } },
    });
    expect(list[1]).toMatchObject({
      journeyName: "Abandoned cart",
      version: 2,
      status: "WAITING",
      waiting: { until: at(60 * 24 * 11).toISOString() },
    });
    expect(list[1].waiting).toEqual({ until: at(60 * 24 * 11).toISOString() });
    expect(list[1].steps.map((s) => [s.nodeId, s.label, s.exit, s.leftAt === null])).toEqual([
      ["trigger", "Cart updated", "next", false],
      ["wait_checkout", "Checked out within 30 minutes?", "timed_out", false],
      // the label as it was in the version walked (v2 renamed it)
      ["reminder", "You left something (v2)", "next", false],
      ["wait_3_days", "Wait 3 days", null, true],
    ]);
    expect(list[1].steps[3]).toMatchObject({
      nodeType: "delay.duration",
      outcome: "Waiting 3 days",
      enteredAt: new Date(at(60 * 24 * 8).getTime() + 3000).toISOString(),
    });

    expect(list[2]).toMatchObject({
      version: 1,
      status: "COMPLETED",
      endReason: "Reached the exit step",
      waiting: null,
    });
    expect(list[2].endedAt).not.toBeNull();
    expect(list[2].steps[1]).toEqual({
      nodeId: "wait_checkout",
      nodeType: "wait_for_event",
      label: "Checked out within 30 minutes?",
      enteredAt: new Date(at(0).getTime() + 1000).toISOString(),
      leftAt: new Date(at(0).getTime() + 1500).toISOString(),
      exit: "arrived",
      exitLabel: "Arrived",
      inputs: { cartId: "c1" },
      outcome: "checkout_completed arrived for cart c1",
    });
    expect(list[1].steps.map((s) => s.exitLabel)).toEqual([null, "Timed out", null, null]);
    expect(list[2].graph.nodes).toHaveLength(ABANDONED_CART.nodes.length);
    expect(list[2].graph.nodes[0]).toEqual({
      id: "trigger",
      type: "trigger.event",
      label: "Cart updated",
      position: { x: 0, y: 0 },
    });
    expect(list[2].graph.edges[1]).toEqual({
      id: "e2",
      source: "wait_checkout",
      target: "checked_out",
      branch: "arrived",
    });
    expect(list[2].graph.edges[0].branch).toBeNull();
  });

  it("includes what the person did as an anonymous visitor before being merged, from either id", async () => {
    const team = await createWorkspaceWithTeam();
    const { journey, versions } = await publishedJourney(team);
    const person = await createProfile(team.id);
    const anonymous = await createProfile(team.id, person.id);
    const before = await enroll(team, journey.id, versions[0].id, anonymous.id, {
      status: "EXITED",
      node: "reminder",
      enteredAt: at(0),
      steps: [TRIGGER],
      endReason: "Exit event unsubscribed",
    });
    const after = await enroll(team, journey.id, versions[0].id, person.id, {
      status: "ACTIVE",
      node: "trigger",
      enteredAt: at(10),
      steps: [],
    });
    const ctx = await contextOf(team, "VIEWER");
    expect((await profileJourneys(ctx, person.id)).map((e) => e.enrollmentId)).toEqual([after.id, before.id]);
    expect((await profileJourneys(ctx, anonymous.id)).map((e) => e.enrollmentId)).toEqual([after.id, before.id]);
  });

  it("keeps at most 50 enrollments, the newest", async () => {
    const team = await createWorkspaceWithTeam();
    const { journey, versions } = await publishedJourney(team);
    const profile = await createProfile(team.id);
    const rows = Array.from({ length: 52 }, (_, i) => ({
      workspaceId: team.id,
      journeyId: journey.id,
      journeyVersionId: versions[0].id,
      profileId: profile.id,
      entryKey: `api:${i}`,
      status: "COMPLETED" as const,
      currentNodeId: "done",
      trigger: { name: "api" },
      enteredAt: at(i),
      updatedAt: at(i),
    }));
    await db().enrollment.createMany({ data: rows });
    const list = await profileJourneys(await contextOf(team, "VIEWER"), profile.id);
    expect(list).toHaveLength(50);
    expect(list[0].enteredAt).toBe(at(51).toISOString());
    expect(list[49].enteredAt).toBe(at(2).toISOString());
  });

  it("names the exits taken as the canvas does: a branch's or arm's label; a held-out person's as the holdout on control's path", async () => {
    const team = await createWorkspaceWithTeam();
    const graph = {
      nodes: [
        { id: "api", type: "trigger.api", position: { x: 0, y: 0 }, config: {} },
        {
          id: "ab",
          type: "split",
          position: { x: 0, y: 100 },
          config: {
            arms: [
              { id: "a", label: "Short subject", weight: 45 },
              { id: "b", label: "Long subject", weight: 45 },
            ],
            holdout: { weight: 10 },
          },
        },
        {
          id: "tier",
          type: "branch",
          position: { x: 0, y: 200 },
          config: { branches: [{ id: "vip", label: "VIP customers", rules: { match: "all", rules: [] } }] },
        },
      ],
      edges: [],
    };
    const journey = await db().journey.create({ data: { workspaceId: team.id, name: "Tests", draft: graph } });
    const version = await db().journeyVersion.create({
      data: { journeyId: journey.id, version: 1, graph, publishedByLabel: "test" },
    });
    const [one, two] = [await createProfile(team.id), await createProfile(team.id)];
    await enroll(team, journey.id, version.id, one.id, {
      status: "COMPLETED",
      node: "tier",
      enteredAt: at(0),
      steps: [
        ["api", "trigger.api", "next", true],
        ["ab", "split", "a", true],
        ["tier", "branch", "vip", true],
      ],
    });
    // Held out: the engine takes the control arm's exit, and the split's inputs say the person is held out.
    await enroll(team, journey.id, version.id, two.id, {
      status: "COMPLETED",
      node: "tier",
      enteredAt: at(0),
      steps: [
        ["api", "trigger.api", "next", true],
        [
          "ab",
          "split",
          "a",
          true,
          "Held out: walks on as Short subject (the control) would, and gets nothing from this journey",
          { bucket: 95.1, heldOut: true, control: "a" },
        ],
        ["tier", "branch", "else", true],
      ],
    });
    const ctx = await contextOf(team, "VIEWER");
    expect((await profileJourneys(ctx, one.id))[0].steps.map((s) => [s.label, s.exitLabel])).toEqual([
      ["trigger.api", null],
      ["split", "Short subject"],
      ["branch", "VIP customers"],
    ]);
    expect((await profileJourneys(ctx, two.id))[0].steps.map((s) => s.exitLabel)).toEqual([
      null,
      "Holdout, on Short subject’s path",
      "Else",
    ]);
  });

  it("is empty for someone who never entered a journey", async () => {
    const team = await createWorkspaceWithTeam();
    const profile = await createProfile(team.id);
    expect(await profileJourneys(await contextOf(team, "VIEWER"), profile.id)).toEqual([]);
  });

  it("answers not_found for another workspace's profile and for a malformed id", async () => {
    const team = await createWorkspaceWithTeam();
    const { journey, versions } = await publishedJourney(team);
    const profile = await createProfile(team.id);
    await enroll(team, journey.id, versions[0].id, profile.id, {
      status: "ACTIVE",
      node: "trigger",
      enteredAt: at(0),
      steps: [],
    });
    const other = await contextOf(await createWorkspaceWithTeam("Other"), "OWNER");
    await expect(profileJourneys(other, profile.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(profileJourneys(other, "not-a-uuid")).rejects.toMatchObject({ code: "not_found" });
    await expect(profileJourneys(await contextOf(team, "VIEWER"), "42")).rejects.toMatchObject({ code: "not_found" });
  });
});
