import { z } from "zod";
import { inngest, isInngestConfigured, SEGMENT_RECOMPUTE, segmentChangedEvents } from "@/inngest/client";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db, type Prisma } from "../db/client";
import { pgPool, withTransaction } from "../db/pool";
import { AppError, parseInput, type FieldIssue } from "../errors";
import { getProfile } from "../profiles/profiles";
import { isoOrNull } from "../events/instant";
import { ZSegmentDefinition, type TCondition, type TSegmentDefinition } from "./definition";
import { compilePredicate, SqlParams, type SegmentSource } from "./evaluate";
import {
  dependentsOf,
  evaluateFor,
  lockSegments,
  loadSegments,
  markDispatched,
  queueRecompute,
  rangesOf,
  recomputeSegment,
  refreshReferences,
  type ChangeRange,
  type MembershipChange,
} from "./membership";

/**
 * Segments as the app and the API see them: create / update / archive with validation (422 naming
 * `definition.<path>`: the schema's problems, then segment references that do not exist or lead back to the
 * segment), manual segments filled from a CSV of user ids (replace or append, said explicitly), the builder's
 * estimate for an unsaved definition, the list with sizes and their trend, a segment's page (definition, size
 * and entries/exits per day, who uses it), its members, and a person's segments.
 *
 * A new or changed definition is recomputed for everyone in the background (Inngest `recompute-segment`, or
 * in this process without Inngest); its progress is on the segment.
 */

export const SEGMENT_KINDS = ["dynamic", "manual"] as const;
const ZName = z
  .string({ error: "Name the segment" })
  .trim()
  .min(1, "Name the segment")
  .max(120, "A segment name has at most 120 characters");
const ZDescription = z.string().trim().max(2000, "at most 2,000 characters");

export const ZCreateSegment = z
  .object({
    name: ZName,
    description: ZDescription.default(""),
    kind: z.enum(SEGMENT_KINDS, { error: "must be dynamic or manual" }).default("dynamic"),
    definition: ZSegmentDefinition.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === "dynamic" && !s.definition)
      ctx.addIssue({ code: "custom", path: ["definition"], message: "is required for a dynamic segment" });
    if (s.kind === "manual" && s.definition)
      ctx.addIssue({
        code: "custom",
        path: ["definition"],
        message: "must be left out for a manual segment (upload its members as a CSV of user ids)",
      });
  });

export const ZUpdateSegment = z
  .object({ name: ZName.optional(), description: ZDescription.optional(), definition: ZSegmentDefinition.optional() })
  .strict();

export const ZEstimateSegment = z
  .object({
    definition: ZSegmentDefinition,
    /** the segment being edited, if any: a definition that refers back to it is refused */
    segmentId: z.uuid("must be a segment id").optional(),
  })
  .strict();

export const ZMembersQuery = z.object({
  q: z.string().trim().max(200, "at most 200 characters").optional(),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(200, "must be at most 200")
    .default(50),
  /** nextCursor of the previous page */
  cursor: z.string().max(200).optional(),
});

export const ZUploadMode = z.enum(["replace", "append"], {
  error: "say how to apply the list: ?mode=replace (the list becomes the members) or ?mode=append (add to them)",
});

export type SegmentKind = (typeof SEGMENT_KINDS)[number];

export interface RecomputeState {
  status: "idle" | "queued" | "running" | "done" | "failed";
  processed: number;
  total: number;
  /** the definition version it computes (or computed) */
  version: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface SegmentSummary {
  id: string;
  name: string;
  description: string;
  kind: SegmentKind;
  memberCount: number;
  /** bumped by every definition change */
  version: number;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  recompute: RecomputeState;
  /** the size at the end of each of the last 30 days (since the segment was created), oldest first */
  trend: { day: string; size: number }[];
}

export interface SegmentDay {
  day: string;
  size: number;
  entered: number;
  exited: number;
}

export interface SegmentDetail extends SegmentSummary {
  /** null for manual segments */
  definition: TSegmentDefinition | null;
  /** per day over the requested window (default 30 days), oldest first */
  days: SegmentDay[];
  usedBy: { segments: { id: string; name: string }[]; journeys: { id: string; name: string; status: string }[] };
  createdBy: string;
  updatedBy: string;
}

export interface SegmentMember {
  profileId: string;
  userId: string | null;
  email: string | null;
  enteredAt: string;
}

export interface ProfileSegment {
  segmentId: string;
  name: string;
  kind: SegmentKind;
  enteredAt: string;
}

export interface EstimateResult {
  /** matching people: exact, or estimated from a random sample of profiles when counting all would take too long */
  size: number;
  exact: boolean;
  /** surviving profiles in the workspace */
  total: number;
  /** up to 10 matching people, most recently seen first */
  /** lastSeenAt: null when the stored instant is not representable (lib/events/instant.ts) */
  sample: { id: string; userId: string | null; email: string | null; lastSeenAt: string | null }[];
  tookMs: number;
}

export interface UploadResult {
  mode: "replace" | "append";
  /** distinct user ids in the file */
  userIds: number;
  matched: number;
  unknown: number;
  /** the first 100 user ids no profile has */
  unknownIds: string[];
  entered: number;
  exited: number;
  memberCount: number;
}

const notFound = () => new AppError("not_found", "No such segment in this workspace.");
const DAY_MS = 86_400_000;
const TREND_DAYS = 30;

type SegmentRow = Prisma.SegmentGetPayload<object>;

async function load(ctx: WorkspaceContext, id: string): Promise<SegmentRow> {
  if (!z.uuid().safeParse(id).success) throw notFound();
  const segment = await db().segment.findFirst({ where: { id, workspaceId: ctx.workspace.id } });
  if (!segment) throw notFound();
  return segment;
}

function recomputeState(s: SegmentRow): RecomputeState {
  return {
    status: s.recomputeStatus as RecomputeState["status"],
    processed: s.recomputeProcessed,
    total: s.recomputeTotal,
    version: s.recomputeVersion,
    startedAt: s.recomputeStartedAt?.toISOString() ?? null,
    finishedAt: s.recomputeFinishedAt?.toISOString() ?? null,
    error: s.recomputeError,
  };
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Daily rows (only days with changes are stored) filled forward over [from, to], days before `since` left out. */
function fillDays(
  rows: { day: Date; size: number; entered: number; exited: number }[],
  before: number,
  from: Date,
  to: Date,
  since: Date,
): SegmentDay[] {
  const byDay = new Map(rows.map((r) => [isoDay(r.day), r]));
  const days: SegmentDay[] = [];
  let size = before;
  const start = Math.max(Date.parse(isoDay(from)), Date.parse(isoDay(since)));
  for (let t = start; t <= Date.parse(isoDay(to)); t += DAY_MS) {
    const day = isoDay(new Date(t));
    const row = byDay.get(day);
    if (row) size = row.size;
    days.push({ day, size, entered: row?.entered ?? 0, exited: row?.exited ?? 0 });
  }
  return days;
}

async function daysOf(
  segmentIds: string[],
  from: Date,
): Promise<{
  rows: Map<string, { day: Date; size: number; entered: number; exited: number }[]>;
  before: Map<string, number>;
}> {
  const { rows } = await pgPool().query<{
    segmentId: string;
    day: Date;
    size: number;
    entered: number;
    exited: number;
  }>(
    `SELECT "segmentId", day::timestamptz AS day, size, entered, exited FROM "SegmentDailySize" WHERE "segmentId" = ANY($1::uuid[]) AND day >= $2::date ORDER BY day`,
    [segmentIds, isoDay(from)],
  );
  const { rows: before } = await pgPool().query<{ segmentId: string; size: number }>(
    `SELECT DISTINCT ON ("segmentId") "segmentId", size FROM "SegmentDailySize" WHERE "segmentId" = ANY($1::uuid[]) AND day < $2::date ORDER BY "segmentId", day DESC`,
    [segmentIds, isoDay(from)],
  );
  const grouped = new Map<string, { day: Date; size: number; entered: number; exited: number }[]>();
  for (const r of rows) grouped.set(r.segmentId, [...(grouped.get(r.segmentId) ?? []), r]);
  return { rows: grouped, before: new Map(before.map((b) => [b.segmentId, b.size])) };
}

function summary(s: SegmentRow, trend: { day: string; size: number }[]): SegmentSummary {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    kind: s.kind as SegmentKind,
    memberCount: s.memberCount,
    version: s.version,
    archived: s.archivedAt !== null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    recompute: recomputeState(s),
    trend,
  };
}

// ---------------------------------------------------------------------------------------------------
// Validation beyond the schema: references and cycles

/** Every segment condition in a definition, with its path under `definition`. */
function segmentConditions(c: TCondition, path: string): { path: string; segmentId: string }[] {
  if (c.kind === "segment") return [{ path: `${path}.segmentId`, segmentId: c.segmentId }];
  if (c.kind === "group")
    return c.conditions.flatMap((child, i) => segmentConditions(child, `${path}.conditions.${i}`));
  if (c.kind === "not") return segmentConditions(c.condition, `${path}.condition`);
  return [];
}

/** A path from `from` back to `target` through segment conditions, if there is one. */
function pathBack(
  from: string,
  target: string,
  segments: ReadonlyMap<string, SegmentSource>,
  seen = new Set<string>(),
): string[] | null {
  if (from === target) return [from];
  if (seen.has(from)) return null;
  seen.add(from);
  const definition = segments.get(from)?.definition;
  if (!definition) return null;
  for (const ref of segmentConditions(definition as TCondition, "")) {
    const rest = pathBack(ref.segmentId, target, segments, seen);
    if (rest) return [from, ...rest];
  }
  return null;
}

/** 422 naming each segment condition that refers to no live segment of the workspace, or back to `selfId`. */
function checkReferences(
  definition: TSegmentDefinition,
  segments: ReadonlyMap<string, SegmentSource & { name?: string }>,
  selfId?: string,
): void {
  const fields: FieldIssue[] = [];
  for (const ref of segmentConditions(definition as TCondition, "definition")) {
    if (selfId && ref.segmentId === selfId) {
      fields.push({ path: ref.path, message: "is this segment itself" });
      continue;
    }
    if (!segments.has(ref.segmentId)) {
      fields.push({ path: ref.path, message: `no segment with the id "${ref.segmentId}" in this workspace` });
      continue;
    }
    const cycle = selfId ? pathBack(ref.segmentId, selfId, segments) : null;
    if (cycle) {
      const names = [selfId!, ...cycle].map(
        (id) => `"${(segments.get(id) as { name?: string } | undefined)?.name ?? id}"`,
      );
      fields.push({ path: ref.path, message: `refers back to this segment: ${names.join(" → ")}` });
    }
  }
  if (fields.length) throw AppError.validation(fields);
}

// ---------------------------------------------------------------------------------------------------
// Reads

export async function listSegments(
  ctx: WorkspaceContext,
  query: { q?: string; archived?: boolean; now?: Date } = {},
): Promise<SegmentSummary[]> {
  requirePermission(ctx, "workspace:read");
  const rows = await db().segment.findMany({
    where: {
      workspaceId: ctx.workspace.id,
      archivedAt: query.archived ? { not: null } : null,
      ...(query.q?.trim() ? { name: { contains: query.q.trim(), mode: "insensitive" } } : {}),
    },
    orderBy: { updatedAt: "desc" },
  });
  if (!rows.length) return [];
  const now = query.now ?? new Date();
  const from = new Date(now.getTime() - (TREND_DAYS - 1) * DAY_MS);
  const days = await daysOf(
    rows.map((r) => r.id),
    from,
  );
  return rows.map((r) =>
    summary(
      r,
      fillDays(days.rows.get(r.id) ?? [], days.before.get(r.id) ?? 0, from, now, r.createdAt).map(({ day, size }) => ({
        day,
        size,
      })),
    ),
  );
}

export async function getSegment(
  ctx: WorkspaceContext,
  id: string,
  query: { days?: number; now?: Date } = {},
): Promise<SegmentDetail> {
  requirePermission(ctx, "workspace:read");
  const s = await load(ctx, id);
  const window = Math.min(365, Math.max(1, Math.floor(query.days ?? TREND_DAYS)));
  const now = query.now ?? new Date();
  const from = new Date(now.getTime() - (window - 1) * DAY_MS);
  const trendFrom = new Date(now.getTime() - (TREND_DAYS - 1) * DAY_MS);
  const earliest = from < trendFrom ? from : trendFrom;
  const data = await daysOf([s.id], earliest);
  const all = fillDays(data.rows.get(s.id) ?? [], data.before.get(s.id) ?? 0, earliest, now, s.createdAt);
  const days = all.filter((d) => d.day >= isoDay(from));
  const trend = all.filter((d) => d.day >= isoDay(trendFrom)).map(({ day, size }) => ({ day, size }));
  return {
    ...summary(s, trend),
    definition: (s.definition as TSegmentDefinition | null) ?? null,
    days,
    usedBy: await usedBy(ctx.workspace.id, s.id),
    createdBy: s.createdByLabel,
    updatedBy: s.updatedByLabel,
  };
}

/** Segments that refer to this one, and journeys whose draft or live version does. */
async function usedBy(workspaceId: string, segmentId: string): Promise<SegmentDetail["usedBy"]> {
  const { rows: segments } = await pgPool().query<{ id: string; name: string }>(
    `SELECT s.id, s.name FROM "SegmentReference" r JOIN "Segment" s ON s.id = r."segmentId"
      WHERE r."workspaceId" = $1 AND r.kind = 'segment' AND r.value = $2 AND s."archivedAt" IS NULL ORDER BY s.name`,
    [workspaceId, segmentId],
  );
  const { rows: journeys } = await pgPool().query<{ id: string; name: string; status: string }>(
    `SELECT j.id, j.name, j.status::text FROM "Journey" j LEFT JOIN "JourneyVersion" v ON v.id = j."liveVersionId"
      WHERE j."workspaceId" = $1 AND j.status <> 'ARCHIVED' AND (strpos(j.draft::text, $2) > 0 OR strpos(v.graph::text, $2) > 0) ORDER BY j.name`,
    [workspaceId, segmentId],
  );
  return { segments, journeys };
}

/** Members, most recent entries first; `q` matches the start of a user id or email, or a profile id. */
export async function listMembers(
  ctx: WorkspaceContext,
  id: string,
  query: z.input<typeof ZMembersQuery> = {},
): Promise<{ members: SegmentMember[]; nextCursor: string | null; total: number }> {
  requirePermission(ctx, "workspace:read");
  const s = await load(ctx, id);
  const { q, limit, cursor } = parseInput(ZMembersQuery, query);
  let after: { at: Date; id: string } | null = null;
  if (cursor) {
    const [at, profileId] = cursor.split("_");
    if (!at || !profileId || Number.isNaN(Date.parse(at)) || !z.uuid().safeParse(profileId).success)
      throw AppError.field("cursor", "is not a cursor this API gave out");
    after = { at: new Date(at), id: profileId };
  }
  const params: unknown[] = [s.id, limit + 1];
  const where: string[] = [`m."segmentId" = $1`];
  if (after) {
    params.push(after.at, after.id);
    where.push(`(m."enteredAt", m."profileId") < ($3, $4::uuid)`);
  }
  if (q) {
    params.push(`${q.replace(/[%_\\]/g, "\\$&")}%`, z.uuid().safeParse(q).success ? q : null);
    const like = `$${params.length - 1}`;
    where.push(`(p."userId" ILIKE ${like} OR p.email ILIKE ${like} OR p.id = $${params.length}::uuid)`);
  }
  const { rows } = await pgPool().query<{
    profileId: string;
    userId: string | null;
    email: string | null;
    enteredAt: Date;
  }>(
    `SELECT m."profileId", p."userId", p.email, m."enteredAt" FROM "SegmentMembership" m JOIN "Profile" p ON p.id = m."profileId"
      WHERE ${where.join(" AND ")} ORDER BY m."enteredAt" DESC, m."profileId" DESC LIMIT $2`,
    params,
  );
  const members = rows.slice(0, limit).map((r) => ({ ...r, enteredAt: r.enteredAt.toISOString() }));
  const last = members[members.length - 1];
  return {
    members,
    nextCursor: rows.length > limit && last ? `${last.enteredAt}_${last.profileId}` : null,
    total: s.memberCount,
  };
}

/** The segments a person (profile id, userId or anonymousId) is in now, with when they entered. */
export async function listProfileSegments(ctx: WorkspaceContext, idOrUserId: string): Promise<ProfileSegment[]> {
  requirePermission(ctx, "workspace:read");
  const profile = await getProfile(ctx, idOrUserId);
  const { rows } = await pgPool().query<{ segmentId: string; name: string; kind: SegmentKind; enteredAt: Date }>(
    `SELECT s.id AS "segmentId", s.name, s.kind, m."enteredAt" FROM "SegmentMembership" m JOIN "Segment" s ON s.id = m."segmentId"
      WHERE m."profileId" = $1 AND s."workspaceId" = $2 AND s."archivedAt" IS NULL ORDER BY m."enteredAt" DESC, s.name`,
    [profile.id, ctx.workspace.id],
  );
  return rows.map((r) => ({ ...r, enteredAt: r.enteredAt.toISOString() }));
}

// ---------------------------------------------------------------------------------------------------
// The builder's estimate

/** Up to this many profiles, the estimate counts everyone; above, it counts a random sample first. */
export const EXACT_COUNT_LIMIT = 25_000;

function isTimeout(error: unknown): boolean {
  return (error as { code?: string }).code === "57014";
}

export async function estimateSegment(
  ctx: WorkspaceContext,
  input: z.input<typeof ZEstimateSegment>,
  options: { now?: Date; budgetMs?: number } = {},
): Promise<EstimateResult> {
  requirePermission(ctx, "workspace:read");
  const { definition, segmentId } = parseInput(ZEstimateSegment, input);
  const started = performance.now();
  const budgetMs = options.budgetMs ?? 2_000;
  const now = options.now ?? new Date();
  const workspaceId = ctx.workspace.id;
  const client = await pgPool().connect();
  try {
    const segments = await loadSegments(client, workspaceId);
    checkReferences(definition, segments, segmentId);
    const q = new SqlParams();
    const { joins, predicate, workspaceParam } = compilePredicate(definition, { workspaceId, now, segments }, q);
    const { rows: totals } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Profile" WHERE "workspaceId" = $1 AND "mergedIntoId" IS NULL`,
      [workspaceId],
    );
    const total = totals[0].n;
    const left = () => Math.max(50, Math.round(budgetMs - (performance.now() - started)));
    /** One query under a statement timeout, in a transaction of its own (a timeout aborts it). */
    const timed = async <T extends object>(ms: number, sql: string): Promise<T[] | null> => {
      await client.query("BEGIN");
      try {
        await client.query(`SET LOCAL statement_timeout = ${Math.round(ms)}`);
        const { rows } = await client.query<T>(sql, q.values);
        await client.query("COMMIT");
        return rows;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        if (isTimeout(error)) return null;
        throw error;
      }
    };
    const counting = (sample: string) => `
      SELECT count(*) FILTER (WHERE x.m)::int AS matched, count(*)::int AS seen,
             (array_agg(x.id ORDER BY x."lastSeenAt" DESC) FILTER (WHERE x.m))[1:10] AS ids
        FROM (SELECT p.id, p."lastSeenAt", (${predicate}) AS m FROM "Profile" p ${sample} ${joins}
               WHERE p."workspaceId" = ${workspaceParam} AND p."mergedIntoId" IS NULL) x`;
    let size = 0;
    let exact = false;
    let ids: string[] = [];
    if (total <= EXACT_COUNT_LIMIT) {
      const rows = await timed<{ matched: number; ids: string[] | null }>(left(), counting(""));
      if (rows) {
        size = rows[0].matched;
        exact = true;
        ids = rows[0].ids ?? [];
      }
    }
    if (!exact) {
      const percent = Math.min(100, (100 * EXACT_COUNT_LIMIT) / Math.max(1, total));
      const rows = await timed<{ matched: number; seen: number; ids: string[] | null }>(
        left(),
        counting(`TABLESAMPLE BERNOULLI (${percent.toFixed(4)}) REPEATABLE (7)`),
      );
      if (rows && rows[0].seen > 0) {
        size = Math.round((rows[0].matched * total) / rows[0].seen);
        ids = rows[0].ids ?? [];
      }
      // Time left: count everyone.
      if (performance.now() - started < budgetMs / 3) {
        const all = await timed<{ matched: number; ids: string[] | null }>(left(), counting(""));
        if (all) {
          size = all[0].matched;
          exact = true;
          ids = all[0].ids ?? ids;
        }
      }
    }
    const { rows: sample } = await client.query<{
      id: string;
      userId: string | null;
      email: string | null;
      lastSeenAt: Date;
    }>(
      `SELECT id, "userId", email, "lastSeenAt" FROM "Profile" WHERE id = ANY($1::uuid[]) ORDER BY "lastSeenAt" DESC`,
      [ids.slice(0, 10)],
    );
    return {
      size,
      exact,
      total,
      sample: sample.map((r) => ({ ...r, lastSeenAt: isoOrNull(r.lastSeenAt) })),
      tookMs: Math.round(performance.now() - started),
    };
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------------
// Writes

/** Starts recomputing (after a definition change or on request): Inngest when configured, else in this process. */
export async function startRecompute(segmentIds: string[]): Promise<void> {
  if (!segmentIds.length || process.env.CAIRN_BACKGROUND_JOBS === "off") return;
  if (isInngestConfigured()) {
    await inngest.send(segmentIds.map((segmentId) => ({ name: SEGMENT_RECOMPUTE, data: { segmentId } })));
    return;
  }
  for (const segmentId of segmentIds) {
    void recomputeSegment(segmentId).catch((error) =>
      console.error(`[cairn] recomputing segment ${segmentId} failed:`, error),
    );
  }
}

/** Announces entries and exits to the engine (cairn/segment.changed) right away, when Inngest is there. */
export async function announceChanges(ranges: ChangeRange[]): Promise<void> {
  if (!ranges.length || !isInngestConfigured() || process.env.CAIRN_BACKGROUND_JOBS === "off") return;
  try {
    await inngest.send(segmentChangedEvents(ranges));
    await markDispatched(ranges, new Date());
  } catch (error) {
    // the segment-checks sweep announces them later
    console.error("[cairn] announcing segment changes failed:", error);
  }
}

export async function createSegment(
  ctx: WorkspaceContext,
  input: z.input<typeof ZCreateSegment>,
): Promise<SegmentDetail> {
  requirePermission(ctx, "content:write");
  const { name, description, kind, definition } = parseInput(ZCreateSegment, input);
  const label = actorLabel(ctx.actor);
  const id = await withTransaction(async (client) => {
    if (definition) checkReferences(definition, await loadSegments(client, ctx.workspace.id));
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Segment" (id, "workspaceId", name, description, kind, definition, "createdByLabel", "updatedByLabel", "recomputeStatus")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::jsonb, $6, $6, $7) RETURNING id`,
      [
        ctx.workspace.id,
        name,
        description,
        kind,
        definition ? JSON.stringify(definition) : null,
        label,
        kind === "dynamic" ? "queued" : "idle",
      ],
    );
    await refreshReferences(client, ctx.workspace.id);
    return rows[0].id;
  });
  await db().$transaction((tx) =>
    recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "segment.created",
      targetType: "segment",
      targetId: id,
      summary: `Created the ${kind} segment "${name}"`,
    }),
  );
  if (kind === "dynamic") await startRecompute([id]);
  return getSegment(ctx, id);
}

export async function updateSegment(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZUpdateSegment>,
): Promise<SegmentDetail> {
  requirePermission(ctx, "content:write");
  const existing = await load(ctx, id);
  if (existing.archivedAt)
    throw new AppError("conflict", "This segment is archived; archived segments cannot be changed.");
  const { name, description, definition } = parseInput(ZUpdateSegment, input);
  if (definition && existing.kind === "manual")
    throw AppError.field("definition", "a manual segment has no definition: upload its members as a CSV of user ids");
  const changed = definition !== undefined && JSON.stringify(definition) !== JSON.stringify(existing.definition);
  const recompute: string[] = [];
  await withTransaction(async (client) => {
    if (changed) {
      await lockSegments(client, [id]);
      const segments = await loadSegments(client, ctx.workspace.id);
      checkReferences(definition!, segments, id);
    }
    await client.query(
      `UPDATE "Segment" SET name = COALESCE($2, name), description = COALESCE($3, description),
          definition = CASE WHEN $4 THEN $5::jsonb ELSE definition END, version = version + CASE WHEN $4 THEN 1 ELSE 0 END,
          "updatedByLabel" = $6, "updatedAt" = now() WHERE id = $1`,
      [
        id,
        name ?? null,
        description ?? null,
        changed,
        changed ? JSON.stringify(definition) : null,
        actorLabel(ctx.actor),
      ],
    );
    if (changed) {
      await refreshReferences(client, ctx.workspace.id);
      // Segments that read this one read its definition: they change with it.
      recompute.push(id, ...(await dependentsOf(client, ctx.workspace.id, id)));
      await queueRecompute(client, recompute);
    }
  });
  const what = [
    name !== undefined && name !== existing.name ? "renamed" : null,
    description !== undefined && description !== existing.description ? "described" : null,
    changed ? `definition v${existing.version + 1}` : null,
  ].filter(Boolean);
  if (what.length) {
    await db().$transaction((tx) =>
      recordAudit(tx, {
        workspaceId: ctx.workspace.id,
        actor: ctx.actor,
        action: "segment.updated",
        targetType: "segment",
        targetId: id,
        summary: `Updated the segment "${name ?? existing.name}": ${what.join(", ")}`,
      }),
    );
  }
  await startRecompute(recompute);
  return getSegment(ctx, id);
}

/** Archiving ends its upkeep and empties it; refused while another segment or a journey uses it. */
export async function archiveSegment(ctx: WorkspaceContext, id: string): Promise<SegmentDetail> {
  requirePermission(ctx, "content:write");
  const existing = await load(ctx, id);
  if (existing.archivedAt) return getSegment(ctx, id);
  const users = await usedBy(ctx.workspace.id, id);
  const live = users.journeys.filter((j) => j.status === "LIVE" || j.status === "PAUSED");
  if (users.segments.length || live.length) {
    const names = [...users.segments.map((s) => `segment "${s.name}"`), ...live.map((j) => `journey "${j.name}"`)];
    throw new AppError("conflict", `This segment is used by ${names.join(", ")}; change those first.`);
  }
  await withTransaction(async (client) => {
    await lockSegments(client, [id]);
    await client.query(
      `UPDATE "Segment" SET "archivedAt" = now(), "memberCount" = 0, "recomputeStatus" = 'idle', "updatedByLabel" = $2, "updatedAt" = now() WHERE id = $1`,
      [id, actorLabel(ctx.actor)],
    );
    await client.query(`DELETE FROM "SegmentMembership" WHERE "segmentId" = $1`, [id]);
    await client.query(`DELETE FROM "SegmentCheck" WHERE "segmentId" = $1`, [id]);
    await refreshReferences(client, ctx.workspace.id);
  });
  await db().$transaction((tx) =>
    recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "segment.archived",
      targetType: "segment",
      targetId: id,
      summary: `Archived the segment "${existing.name}"`,
    }),
  );
  return getSegment(ctx, id);
}

export async function requestRecompute(ctx: WorkspaceContext, id: string): Promise<SegmentDetail> {
  requirePermission(ctx, "content:write");
  const existing = await load(ctx, id);
  if (existing.archivedAt) throw new AppError("conflict", "This segment is archived.");
  if (existing.kind !== "dynamic")
    throw new AppError("conflict", "A manual segment is its uploaded list: there is nothing to recompute.");
  await withTransaction((client) => queueRecompute(client, [id]));
  await startRecompute([id]);
  return getSegment(ctx, id);
}

// ---------------------------------------------------------------------------------------------------
// Manual segments: CSV of user ids

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const HEADER_CELLS = new Set(["userid", "user_id", "user id", "id", "external_id", "externalid"]);

/** The first column of each row (quoted or not); a header row naming a user-id column is skipped. */
export function parseUserIdCsv(csv: string): string[] {
  const ids: string[] = [];
  const lines = csv.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((line, i) => {
    let cell: string;
    const trimmed = line.trimStart();
    if (trimmed.startsWith('"')) {
      let value = "";
      let j = 1;
      for (; j < trimmed.length; j++) {
        if (trimmed[j] === '"') {
          if (trimmed[j + 1] === '"') {
            value += '"';
            j++;
          } else break;
        } else value += trimmed[j];
      }
      cell = value;
    } else cell = trimmed.split(/[,;\t]/)[0];
    cell = cell.trim();
    if (!cell) return;
    if (i === 0 && HEADER_CELLS.has(cell.toLowerCase())) return;
    ids.push(cell);
  });
  return [...new Set(ids)];
}

/** A manual segment's members from user ids: `csv` (parsed by parseUserIdCsv) or a list. */
export async function uploadMembers(
  ctx: WorkspaceContext,
  id: string,
  modeInput: unknown,
  source: { csv: string } | { userIds: string[] },
  now = new Date(),
): Promise<UploadResult> {
  requirePermission(ctx, "content:write");
  const segment = await load(ctx, id);
  if (segment.archivedAt) throw new AppError("conflict", "This segment is archived.");
  if (segment.kind !== "manual")
    throw new AppError(
      "conflict",
      "Only a manual segment takes a list of members; a dynamic segment follows its definition.",
    );
  const mode = parseInput(z.object({ mode: ZUploadMode }), { mode: modeInput ?? undefined }).mode;
  const userIds =
    "csv" in source ? parseUserIdCsv(source.csv) : [...new Set(source.userIds.map((u) => u.trim()).filter(Boolean))];
  if (userIds.some((u) => u.length > 255)) throw AppError.field("csv", "a user id has at most 255 characters");
  const workspaceId = ctx.workspace.id;
  const { rows: found } = await pgPool().query<{ userId: string; profileId: string }>(
    `SELECT i.value AS "userId", COALESCE(p."mergedIntoId", p.id) AS "profileId"
       FROM "ProfileIdentity" i JOIN "Profile" p ON p.id = i."profileId"
      WHERE i."workspaceId" = $1 AND i.kind = 'user' AND i.value = ANY($2::text[])`,
    [workspaceId, userIds],
  );
  const known = new Set(found.map((f) => f.userId));
  const unknownIds = userIds.filter((u) => !known.has(u));
  const profileIds = [...new Set(found.map((f) => f.profileId))];
  const result = await withTransaction(async (client) => {
    await lockSegments(client, [id]);
    const { rows } = await client.query<{
      id: string;
      profileId: string;
      kind: "entered" | "exited";
      memberCount: number | null;
    }>(
      `WITH want AS (SELECT DISTINCT unnest($3::uuid[]) AS id),
       ins AS (
         INSERT INTO "SegmentMembership" ("segmentId", "profileId", "workspaceId", "enteredAt")
         SELECT $1, want.id, $2, $4 FROM want ON CONFLICT DO NOTHING RETURNING "profileId"),
       del AS (
         DELETE FROM "SegmentMembership" m WHERE m."segmentId" = $1 AND $5 AND NOT EXISTS (SELECT 1 FROM want WHERE want.id = m."profileId")
         RETURNING m."profileId"),
       changes AS (
         INSERT INTO "SegmentMembershipChange" ("workspaceId", "segmentId", "profileId", kind, at)
         SELECT $2, $1, "profileId", 'entered', $4 FROM ins UNION ALL SELECT $2, $1, "profileId", 'exited', $4 FROM del
         RETURNING id, "profileId", kind),
       counted AS (SELECT count(*) FILTER (WHERE kind = 'entered')::int AS e, count(*) FILTER (WHERE kind = 'exited')::int AS x FROM changes),
       sized AS (UPDATE "Segment" s SET "memberCount" = s."memberCount" + c.e - c.x, "updatedAt" = now(), "updatedByLabel" = $7 FROM counted c WHERE s.id = $1 RETURNING s."memberCount", c.e, c.x),
       daily AS (
         INSERT INTO "SegmentDailySize" ("segmentId", day, size, entered, exited) SELECT $1, $6::date, "memberCount", e, x FROM sized WHERE e + x > 0
         ON CONFLICT ("segmentId", day) DO UPDATE SET size = EXCLUDED.size, entered = "SegmentDailySize".entered + EXCLUDED.entered, exited = "SegmentDailySize".exited + EXCLUDED.exited)
       SELECT id::text, "profileId", kind, NULL::int AS "memberCount" FROM changes
       UNION ALL SELECT NULL, NULL, NULL, "memberCount" FROM sized`,
      [id, workspaceId, profileIds, now, mode === "replace", isoDay(now), actorLabel(ctx.actor)],
    );
    const changes: MembershipChange[] = rows
      .filter((r) => r.id !== null)
      .map((r) => ({
        id: r.id,
        workspaceId,
        segmentId: id,
        profileId: r.profileId,
        kind: r.kind,
        at: now.toISOString(),
      }));
    return { changes, memberCount: rows.find((r) => r.id === null)?.memberCount ?? segment.memberCount };
  });
  // Dynamic segments that read this list, for the people who came and went.
  const moved = new Set(result.changes.map((c) => c.profileId));
  const dependents = moved.size ? await withTransaction((client) => dependentsOf(client, workspaceId, id)) : [];
  const followUp = dependents.length
    ? await evaluateFor(workspaceId, new Map(dependents.map((d) => [d, moved])), now)
    : [];
  await announceChanges(rangesOf([...result.changes, ...followUp]));
  const entered = result.changes.filter((c) => c.kind === "entered").length;
  const exited = result.changes.length - entered;
  await db().$transaction((tx) =>
    recordAudit(tx, {
      workspaceId,
      actor: ctx.actor,
      action: "segment.uploaded",
      targetType: "segment",
      targetId: id,
      summary: `${mode === "replace" ? "Replaced" : "Added to"} the members of "${segment.name}" from a CSV: ${entered} entered, ${exited} left, ${unknownIds.length} unknown user ids`,
      metadata: { mode, userIds: userIds.length, entered, exited, unknown: unknownIds.length },
    }),
  );
  return {
    mode,
    userIds: userIds.length,
    matched: found.length,
    unknown: unknownIds.length,
    unknownIds: unknownIds.slice(0, 100),
    entered,
    exited,
    memberCount: result.memberCount,
  };
}
