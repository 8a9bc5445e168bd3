import { z } from "zod";
import { type Queryable, selectRow, selectRows } from "../../db/sql";

/** The Profile and ProfileIdentity reads segments make: whom to evaluate, how many, and people by user id. */

const MergedProfileRow = z.object({ id: z.string(), into: z.string() });

/** The anonymous profiles merged into these people, with the person each became. */
export function selectMergedInto(q: Queryable, people: string[]) {
  return selectRows(
    q,
    MergedProfileRow,
    `SELECT id, "mergedIntoId" AS into FROM "Profile" WHERE "mergedIntoId" = ANY($1::uuid[])`,
    [people],
  );
}

const IdRow = z.object({ id: z.string() });

/** The people (surviving profiles) these profile ids of the workspace are, merged ones counted as their person. */
export async function selectPeopleOf(q: Queryable, workspaceId: string, profileIds: string[]): Promise<string[]> {
  const rows = await selectRows(
    q,
    IdRow,
    `SELECT DISTINCT COALESCE("mergedIntoId", id) AS id FROM "Profile" WHERE "workspaceId" = $1 AND id = ANY($2::uuid[])`,
    [workspaceId, profileIds],
  );
  return rows.map((r) => r.id);
}

const CountRow = z.object({ n: z.number() });

/** Every profile of the workspace, merged ones included (a recompute ends their memberships). */
export async function countProfiles(q: Queryable, workspaceId: string): Promise<number> {
  const row = await selectRow(q, CountRow, `SELECT count(*)::int AS n FROM "Profile" WHERE "workspaceId" = $1`, [
    workspaceId,
  ]);
  return row!.n;
}

/** The workspace's surviving profiles (not merged into another). */
export async function countSurvivingProfiles(q: Queryable, workspaceId: string): Promise<number> {
  const row = await selectRow(
    q,
    CountRow,
    `SELECT count(*)::int AS n FROM "Profile" WHERE "workspaceId" = $1 AND "mergedIntoId" IS NULL`,
    [workspaceId],
  );
  return row!.n;
}

const BatchBoundRow = z.object({ id: z.string().nullable(), n: z.number() });

/** The next `size` profile ids after `after`, in id order: how many there are and the last of them. */
export async function selectProfileBatchBound(
  q: Queryable,
  workspaceId: string,
  after: string,
  size: number,
): Promise<{ lastId: string | null; count: number }> {
  const row = await selectRow(
    q,
    BatchBoundRow,
    `SELECT max(id::text)::uuid AS id, count(*)::int AS n FROM (SELECT id FROM "Profile" WHERE "workspaceId" = $1 AND id > $2 ORDER BY id LIMIT $3) b`,
    [workspaceId, after, size],
  );
  return { lastId: row!.id, count: row!.n };
}

const SampleProfileRow = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  email: z.string().nullable(),
  /** ±Infinity arrive as numbers, years out of JavaScript's range as an Invalid Date (lib/events/instant.ts) */
  lastSeenAt: z.union([z.instanceof(Date), z.custom<number>((v) => v === Infinity || v === -Infinity)]),
});

/** These profiles, most recently seen first. */
export function selectProfilesByRecency(q: Queryable, ids: string[]) {
  return selectRows(
    q,
    SampleProfileRow,
    `SELECT id, "userId", email, "lastSeenAt" FROM "Profile" WHERE id = ANY($1::uuid[]) ORDER BY "lastSeenAt" DESC`,
    [ids],
  );
}

const UserProfileRow = z.object({ userId: z.string(), profileId: z.string() });

/** The people these user ids name in the workspace (merged profiles as the person they became); unknown ids left out. */
export function selectPeopleByUserId(q: Queryable, workspaceId: string, userIds: string[]) {
  return selectRows(
    q,
    UserProfileRow,
    `SELECT i.value AS "userId", COALESCE(p."mergedIntoId", p.id) AS "profileId"
       FROM "ProfileIdentity" i JOIN "Profile" p ON p.id = i."profileId"
      WHERE i."workspaceId" = $1 AND i.kind = 'user' AND i.value = ANY($2::text[])`,
    [workspaceId, userIds],
  );
}
