import { describe, expect, it } from "vitest";
import { POST as v1ArchiveRoute } from "@/app/api/v1/segments/[id]/archive/route";
import { GET as v1MembersRoute, POST as v1UploadRoute } from "@/app/api/v1/segments/[id]/members/route";
import { GET as v1GetRoute, PUT as v1PutRoute } from "@/app/api/v1/segments/[id]/route";
import { POST as v1EstimateRoute } from "@/app/api/v1/segments/estimate/route";
import { GET as v1ListRoute, POST as v1CreateRoute } from "@/app/api/v1/segments/route";
import { POST as archiveRoute } from "@/app/api/workspaces/[slug]/segments/[id]/archive/route";
import { GET as membersRoute, POST as uploadRoute } from "@/app/api/workspaces/[slug]/segments/[id]/members/route";
import { POST as recomputeRoute } from "@/app/api/workspaces/[slug]/segments/[id]/recompute/route";
import { GET as getRoute, PATCH as patchRoute } from "@/app/api/workspaces/[slug]/segments/[id]/route";
import { POST as estimateRoute } from "@/app/api/workspaces/[slug]/segments/estimate/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/workspaces/[slug]/segments/route";
import { createApiKey, workspaceContextForApiKey } from "../api-keys/api-keys";
import { ingest } from "../ingest/ingest";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { recomputeSegment } from "./membership";
import { pgPool } from "../db/pool";
import { getSegment } from "./get-segment";
import { listMembers } from "./list-members";
import { parseUserIdCsv, uploadMembers } from "./upload-members";
import { SegmentDriver } from "./test-driver";

const VIEWED_NO_ORDER = {
  kind: "group",
  match: "all",
  conditions: [
    { kind: "event_count", event: "Product Viewed", operator: "at_least", count: 3, withinDays: 7 },
    { kind: "not", condition: { kind: "event_count", event: "Order Completed", operator: "at_least", count: 1 } },
  ],
};
/** As stored and answered: defaults filled in (filters: [], member: true). */
const VIEWED_NO_ORDER_STORED = {
  ...VIEWED_NO_ORDER,
  conditions: [
    { ...VIEWED_NO_ORDER.conditions[0], filters: [] },
    { kind: "not", condition: { ...(VIEWED_NO_ORDER.conditions[1] as { condition: object }).condition, filters: [] } },
  ],
};
const segmentRef = (segmentId: string, member = true) => ({
  kind: "group",
  match: "all",
  conditions: [{ kind: "segment", segmentId, member }],
});

describe("segments API (session)", () => {
  it("editors create, change and archive; invalid definitions are refused with the path; viewers read; outsiders get 404", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await sessionCookie(team.members.EDITOR);
    const viewer = await sessionCookie(team.members.VIEWER);
    const slug = team.slug;
    const key = await createApiKey(await contextOf(team, "OWNER"), { name: "Site", scope: "WRITE" });
    await ingest(
      await workspaceContextForApiKey(key.secret),
      JSON.stringify({
        batch: [1, 2, 3].map((i) => ({ type: "track", userId: "ada", event: "Product Viewed", messageId: `v${i}` })),
      }),
      "batch",
    );

    const created = await callRoute(createRoute, {
      method: "POST",
      cookie: editor,
      params: { slug },
      body: { name: "Browsers", description: "viewed, never ordered", definition: VIEWED_NO_ORDER },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Browsers",
      kind: "dynamic",
      memberCount: 0,
      version: 1,
      archived: false,
      recompute: { status: "queued" },
      definition: VIEWED_NO_ORDER_STORED,
    });
    const id = created.body.id;
    await recomputeSegment(id);
    expect((await callRoute(getRoute, { cookie: viewer, params: { slug, id } })).body).toMatchObject({
      memberCount: 1,
      recompute: { status: "done", processed: 1, total: 1, version: 1 },
    });

    const bad = await callRoute(createRoute, {
      method: "POST",
      cookie: editor,
      params: { slug },
      body: {
        name: "Bad",
        definition: {
          kind: "group",
          match: "all",
          conditions: [
            { kind: "event_count", event: "X", operator: "at_least", count: -1 },
            { kind: "segment", segmentId: "00000000-0000-4000-8000-000000000000" },
          ],
        },
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual([{ path: "definition.conditions.0.count", message: "must be 0 or more" }]);
    const unknown = await callRoute(createRoute, {
      method: "POST",
      cookie: editor,
      params: { slug },
      body: { name: "Bad", definition: segmentRef("00000000-0000-4000-8000-000000000000") },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.fields).toEqual([
      {
        path: "definition.conditions.0.segmentId",
        message: 'no segment with the id "00000000-0000-4000-8000-000000000000" in this workspace',
      },
    ]);
    expect(
      (
        await callRoute(createRoute, {
          method: "POST",
          cookie: editor,
          params: { slug },
          body: { name: "No definition" },
        })
      ).body.error.fields,
    ).toEqual([{ path: "definition", message: "is required for a dynamic segment" }]);

    // A → Browsers; Browsers → A is a cycle, named by the path of the condition that closes it
    const a = await callRoute(createRoute, {
      method: "POST",
      cookie: editor,
      params: { slug },
      body: { name: "A", definition: segmentRef(id) },
    });
    expect(a.status).toBe(201);
    const cycle = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: editor,
      params: { slug, id },
      body: {
        definition: { kind: "group", match: "any", conditions: [VIEWED_NO_ORDER, segmentRef(a.body.id, false)] },
      },
    });
    expect(cycle.status).toBe(422);
    expect(cycle.body.error.fields).toEqual([
      {
        path: "definition.conditions.1.conditions.0.segmentId",
        message: 'refers back to this segment: "Browsers" → "A" → "Browsers"',
      },
    ]);
    const self = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: editor,
      params: { slug, id },
      body: { definition: segmentRef(id) },
    });
    expect(self.body.error.fields).toEqual([
      { path: "definition.conditions.0.segmentId", message: "is this segment itself" },
    ]);

    const renamed = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: editor,
      params: { slug, id },
      body: { name: "Window shoppers" },
    });
    expect(renamed.body).toMatchObject({ name: "Window shoppers", version: 1 });
    const changed = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: editor,
      params: { slug, id },
      body: { definition: { ...VIEWED_NO_ORDER, match: "any" } },
    });
    expect(changed.body).toMatchObject({ version: 2, recompute: { status: "queued" } });
    expect(changed.body.usedBy.segments).toEqual([{ id: a.body.id, name: "A" }]);

    // in use by A: archiving is refused until A lets go
    expect((await callRoute(archiveRoute, { method: "POST", cookie: editor, params: { slug, id } })).status).toBe(409);

    // viewers read everything, write nothing
    expect(
      (await callRoute(listRoute, { cookie: viewer, params: { slug } })).body.segments
        .map((s: { name: string }) => s.name)
        .sort(),
    ).toEqual(["A", "Window shoppers"]);
    const estimate = await callRoute(estimateRoute, {
      method: "POST",
      cookie: viewer,
      params: { slug },
      body: { definition: VIEWED_NO_ORDER },
    });
    expect(estimate.status).toBe(200);
    expect(estimate.body).toMatchObject({ size: 1, exact: true, total: 1, sample: [{ userId: "ada" }] });
    expect(
      (
        await callRoute(estimateRoute, {
          method: "POST",
          cookie: viewer,
          params: { slug },
          body: { definition: { kind: "group", match: "all", conditions: [] } },
        })
      ).body.error.fields,
    ).toEqual([{ path: "definition.conditions", message: "needs at least one condition" }]);
    expect(
      (await callRoute(membersRoute, { cookie: viewer, params: { slug, id } })).body.members.map(
        (m: { userId: string }) => m.userId,
      ),
    ).toEqual(["ada"]);
    const listedForAda = await callRoute(listRoute, { cookie: viewer, params: { slug }, path: "/x?profileId=ada" });
    expect(listedForAda.body.memberships).toEqual([
      { segmentId: id, name: "Window shoppers", kind: "dynamic", enteredAt: expect.any(String) },
    ]);
    for (const [handler, method, body] of [
      [createRoute, "POST", { name: "x", definition: VIEWED_NO_ORDER }],
      [patchRoute, "PATCH", { name: "x" }],
      [archiveRoute, "POST", undefined],
      [recomputeRoute, "POST", undefined],
      [uploadRoute, "POST", { mode: "append", userIds: ["ada"] }],
    ] as const) {
      expect(
        (
          await callRoute(handler as typeof createRoute, {
            method,
            cookie: viewer,
            params: { slug, id } as never,
            body,
          })
        ).status,
      ).toBe(403);
    }
    expect((await callRoute(recomputeRoute, { method: "POST", cookie: editor, params: { slug, id } })).status).toBe(
      202,
    );

    const outsider = await createWorkspaceWithTeam();
    expect(
      (await callRoute(getRoute, { cookie: await sessionCookie(outsider.members.OWNER), params: { slug, id } })).status,
    ).toBe(404);
    expect((await callRoute(getRoute, { cookie: editor, params: { slug: outsider.slug, id } })).status).toBe(404);
  });
});

describe("segments API (full key)", () => {
  it("the same JSON definition; a write key is refused; another workspace's key gets 404", async () => {
    const { bearer } = await ingestFixture("FULL");
    const created = await callRoute(v1CreateRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "Browsers", definition: VIEWED_NO_ORDER },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await callRoute(v1GetRoute, { headers: bearer, params: { id } })).body.definition).toEqual(
      VIEWED_NO_ORDER_STORED,
    );
    const bad = await callRoute(v1PutRoute, {
      method: "PUT",
      headers: bearer,
      params: { id },
      body: {
        definition: {
          kind: "group",
          match: "all",
          conditions: [{ kind: "trait", trait: "plan", operator: "gt", value: "x" }],
        },
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual([
      { path: "definition.conditions.0.value", message: "must be a number for gt" },
    ]);
    expect((await callRoute(v1ListRoute, { headers: bearer })).body.segments.map((s: { id: string }) => s.id)).toEqual([
      id,
    ]);
    expect(
      (await callRoute(v1EstimateRoute, { method: "POST", headers: bearer, body: { definition: VIEWED_NO_ORDER } }))
        .body,
    ).toMatchObject({ size: 0, exact: true });
    expect((await callRoute(v1MembersRoute, { headers: bearer, params: { id } })).body).toEqual({
      members: [],
      nextCursor: null,
      total: 0,
    });

    const write = await ingestFixture("WRITE");
    expect((await callRoute(v1ListRoute, { headers: write.bearer })).status).toBe(403);
    expect(
      (
        await callRoute(v1CreateRoute, {
          method: "POST",
          headers: write.bearer,
          body: { name: "x", definition: VIEWED_NO_ORDER },
        })
      ).status,
    ).toBe(403);
    const other = await ingestFixture("FULL");
    expect((await callRoute(v1GetRoute, { headers: other.bearer, params: { id } })).status).toBe(404);
    expect((await callRoute(v1ArchiveRoute, { method: "POST", headers: other.bearer, params: { id } })).status).toBe(
      404,
    );
    expect((await callRoute(v1ListRoute, {})).status).toBe(401);
    expect((await callRoute(v1ArchiveRoute, { method: "POST", headers: bearer, params: { id } })).body).toMatchObject({
      archived: true,
      memberCount: 0,
    });
  });
});

describe("manual segments", () => {
  it("parse the first column of a CSV, skipping a header", () => {
    expect(parseUserIdCsv('user_id,email\nada,a@x\n"bob, jr",b@x\r\n\n  cy \nada\n')).toEqual(["ada", "bob, jr", "cy"]);
    expect(parseUserIdCsv("ada\nbob")).toEqual(["ada", "bob"]);
  });

  it("replace vs append, said explicitly; unknown user ids reported; segments that read the list follow it", async () => {
    const d = await SegmentDriver.start(new Date());
    await d.send(
      ["ada", "bob", "cy"].map((userId) => ({
        type: "identify",
        userId,
        traits: { plan: userId === "cy" ? "free" : "pro" },
      })),
    );
    const manual = await callRoute(v1CreateRoute, {
      method: "POST",
      headers: d.bearer,
      body: { name: "VIPs", kind: "manual" },
    });
    expect(manual.status).toBe(201);
    const id = manual.body.id;
    // a dynamic segment that reads the list: VIPs on the pro plan
    const proVips = await d.segment({
      kind: "group",
      match: "all",
      conditions: [
        { kind: "segment", segmentId: id, member: true },
        { kind: "trait", trait: "plan", operator: "equals", value: "pro" },
      ],
    });

    const noMode = await callRoute(v1UploadRoute, {
      method: "POST",
      headers: { ...d.bearer, "content-type": "text/csv" },
      params: { id },
      rawBody: "ada\nbob",
    });
    expect(noMode.status).toBe(422);
    expect(noMode.body.error.fields[0].path).toBe("mode");

    const replaced = await callRoute(v1UploadRoute, {
      method: "POST",
      path: "/x?mode=replace",
      headers: { ...d.bearer, "content-type": "text/csv" },
      params: { id },
      rawBody: "user_id\nada\nbob\nghost\n",
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({
      mode: "replace",
      userIds: 3,
      matched: 2,
      unknown: 1,
      unknownIds: ["ghost"],
      entered: 2,
      exited: 0,
      memberCount: 2,
    });
    expect(await d.members(id)).toEqual(["ada", "bob"]);
    expect(await d.members(proVips)).toEqual(["ada", "bob"]);

    const appended = await uploadMembers(d.ctx, id, "append", { userIds: ["cy", "ada"] });
    expect(appended).toMatchObject({ mode: "append", entered: 1, exited: 0, memberCount: 3 });
    expect(await d.members(id)).toEqual(["ada", "bob", "cy"]);
    expect(await d.members(proVips)).toEqual(["ada", "bob"]);

    const replacedAgain = await uploadMembers(d.ctx, id, "replace", { csv: "cy\n" });
    expect(replacedAgain).toMatchObject({ mode: "replace", entered: 0, exited: 2, memberCount: 1 });
    expect(await d.members(id)).toEqual(["cy"]);
    expect(await d.members(proVips)).toEqual([]);
    expect((await d.changes(id)).map((c) => `${c.kind} ${c.userId}`).sort()).toEqual([
      "entered ada",
      "entered bob",
      "entered cy",
      "exited ada",
      "exited bob",
    ]);
    await expect(uploadMembers(d.ctx, proVips, "append", { userIds: ["ada"] })).rejects.toThrow(/manual segment/);
  });
});

describe("a segment's page", () => {
  const DAY = 86_400_000;
  const T0 = new Date("2026-03-02T12:00:00.000Z");

  it("entries and exits per day, and the size trend, as the clock moves", async () => {
    const d = await SegmentDriver.start(T0);
    const id = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "event_count", event: "Login", operator: "at_least", count: 1, withinDays: 2 }],
    });
    // created the day before (the page starts at the segment's creation)
    await pgPool().query(`UPDATE "Segment" SET "createdAt" = $2 WHERE id = $1`, [id, new Date(T0.getTime() - DAY)]);
    await d.send([
      { type: "track", userId: "ada", event: "Login" },
      { type: "track", userId: "bob", event: "Login" },
    ]);
    d.advance(DAY); // Mar 3
    await d.track("cy", "Login");
    d.now = new Date(T0.getTime() + 2 * DAY + 1); // Mar 4: ada and bob's logins leave the window
    await d.tick();
    d.now = new Date(T0.getTime() + 3 * DAY + 1); // Mar 5: cy's
    await d.tick();
    d.now = new Date(T0.getTime() + 4 * DAY); // Mar 6: nothing happens

    const page = await getSegment(d.ctx, id, { days: 7, now: d.now });
    expect(page.memberCount).toBe(0);
    expect(page.days).toEqual([
      { day: "2026-03-01", size: 0, entered: 0, exited: 0 },
      { day: "2026-03-02", size: 2, entered: 2, exited: 0 },
      { day: "2026-03-03", size: 3, entered: 1, exited: 0 },
      { day: "2026-03-04", size: 1, entered: 0, exited: 2 },
      { day: "2026-03-05", size: 0, entered: 0, exited: 1 },
      { day: "2026-03-06", size: 0, entered: 0, exited: 0 },
    ]);
    expect(page.trend).toEqual(page.days.map(({ day, size }) => ({ day, size })));
    // a shorter window: the last days only; the trend stays 30 days (here: since creation)
    const short = await getSegment(d.ctx, id, { days: 2, now: d.now });
    expect(short.days.map((x) => x.day)).toEqual(["2026-03-05", "2026-03-06"]);
    expect(short.trend).toHaveLength(6);
  });

  it("members page through with the cursor: newest entries first, each member once, searchable; a malformed cursor is refused", async () => {
    const d = await SegmentDriver.start(T0);
    const id = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "event_count", event: "Login", operator: "at_least", count: 1 }],
    });
    // three enter together (the same enteredAt: the profile id breaks the tie), then two, one minute apart
    await d.send(["u1", "u2", "u3"].map((userId) => ({ type: "track", userId, event: "Login" })));
    d.advance(60_000);
    await d.track("u4", "Login");
    d.advance(60_000);
    await d.track("u5", "Login");
    const { rows } = await pgPool().query<{ userId: string }>(
      `SELECT p."userId" FROM "SegmentMembership" m JOIN "Profile" p ON p.id = m."profileId" WHERE m."segmentId" = $1 ORDER BY m."enteredAt" DESC, m."profileId" DESC`,
      [id],
    );
    const expected = rows.map((r) => r.userId);
    expect(expected.slice(0, 2)).toEqual(["u5", "u4"]);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await callRoute(v1MembersRoute, {
        headers: d.bearer,
        params: { id },
        path: `/x?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      });
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(5);
      expect(page.body.members.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.members.map((m: { userId: string }) => m.userId));
      cursor = page.body.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);

    // search and cursor together
    const first = await listMembers(d.ctx, id, { q: "u", limit: 4 });
    expect(first.members.map((m) => m.userId)).toEqual(expected.slice(0, 4));
    const rest = await listMembers(d.ctx, id, { q: "u", limit: 4, cursor: first.nextCursor! });
    expect(rest).toMatchObject({ nextCursor: null, members: [{ userId: expected[4] }] });
    expect((await listMembers(d.ctx, id, { q: "u4" })).members.map((m) => m.userId)).toEqual(["u4"]);

    for (const bad of [
      "nonsense",
      "2026-03-02T12:00:00.000Z_not-a-uuid",
      "not-a-date_00000000-0000-4000-8000-000000000000",
    ]) {
      const refused = await callRoute(v1MembersRoute, {
        headers: d.bearer,
        params: { id },
        path: `/x?cursor=${encodeURIComponent(bad)}`,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.fields).toEqual([{ path: "cursor", message: "is not a cursor this API gave out" }]);
    }
  });

  it("a full recompute's recount sets today's size in the trend too, so the chart ends at memberCount", async () => {
    const d = await SegmentDriver.start(T0);
    const id = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "event_count", event: "Login", operator: "at_least", count: 1 }],
    });
    await pgPool().query(`UPDATE "Segment" SET "createdAt" = $2 WHERE id = $1`, [id, T0]);
    await d.send(["ada", "bob"].map((userId) => ({ type: "track", userId, event: "Login" })));
    // sizes that drifted (a crash between writes, a hand edit): today's point and the count both say 7
    await pgPool().query(`UPDATE "Segment" SET "memberCount" = 7 WHERE id = $1`, [id]);
    await pgPool().query(`UPDATE "SegmentDailySize" SET size = 7 WHERE "segmentId" = $1`, [id]);
    expect(await recomputeSegment(id, { now: () => d.now })).toMatchObject({ entered: 0, exited: 0 });
    const today = await getSegment(d.ctx, id, { days: 1, now: d.now });
    expect(today.memberCount).toBe(2);
    expect(today.days).toEqual([{ day: "2026-03-02", size: 2, entered: 2, exited: 0 }]);

    // a later day with no entries or exits yet: the recompute adds that day's point
    d.advance(2 * DAY);
    await pgPool().query(`UPDATE "Segment" SET "memberCount" = 5 WHERE id = $1`, [id]);
    await recomputeSegment(id, { now: () => d.now });
    const later = await getSegment(d.ctx, id, { days: 3, now: d.now });
    expect(later.memberCount).toBe(2);
    expect(later.days).toEqual([
      { day: "2026-03-02", size: 2, entered: 2, exited: 0 },
      { day: "2026-03-03", size: 2, entered: 0, exited: 0 },
      { day: "2026-03-04", size: 2, entered: 0, exited: 0 },
    ]);
    expect(later.trend[later.trend.length - 1]).toEqual({ day: "2026-03-04", size: later.memberCount });
  });
});
