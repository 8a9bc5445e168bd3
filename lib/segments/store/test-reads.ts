import { z } from "zod";
import { type Queryable, selectRow, selectRows } from "../../db/sql";
import type { CompiledPredicate } from "../evaluate";

/** What tests read back about segments (lib/segments/test-driver.ts): people by userId (the profile id without one). */

const UserIdRow = z.object({ userId: z.string() });

/** The members' userIds, sorted. */
export async function selectMemberUserIds(q: Queryable, segmentId: string): Promise<string[]> {
  const rows = await selectRows(
    q,
    UserIdRow,
    `SELECT COALESCE(p."userId", p.id::text) AS "userId" FROM "SegmentMembership" m JOIN "Profile" p ON p.id = m."profileId" WHERE m."segmentId" = $1 ORDER BY 1`,
    [segmentId],
  );
  return rows.map((r) => r.userId);
}

/** The userIds of the profiles a compiled predicate matches, sorted. */
export async function selectMatchingUserIds(q: Queryable, compiled: CompiledPredicate): Promise<string[]> {
  const rows = await selectRows(
    q,
    UserIdRow,
    `SELECT COALESCE(p."userId", p.id::text) AS "userId" FROM "Profile" p ${compiled.joins} WHERE ${compiled.where} ORDER BY 1`,
    compiled.params.values,
  );
  return rows.map((r) => r.userId);
}

const NextCheckRow = z.object({ member: z.boolean(), nextCheckAt: z.coerce.date().nullable() });

/** Whether the person is a member, and the next check stored for them (on the membership, or the non-member check). */
export function selectNextCheck(q: Queryable, segmentId: string, workspaceId: string, userId: string) {
  return selectRow(
    q,
    NextCheckRow,
    `SELECT m."profileId" IS NOT NULL AS member, COALESCE(m."nextCheckAt", c."nextCheckAt") AS "nextCheckAt"
         FROM "Profile" p
         LEFT JOIN "SegmentMembership" m ON m."segmentId" = $1 AND m."profileId" = p.id
         LEFT JOIN "SegmentCheck" c ON c."segmentId" = $1 AND c."profileId" = p.id
        WHERE p."workspaceId" = $2 AND p."userId" = $3`,
    [segmentId, workspaceId, userId],
  );
}

const ChangeByUserRow = z.object({ userId: z.string(), kind: z.string(), at: z.coerce.date() });

/** The segment's entries and exits in the order they were recorded. */
export function selectChangesByUser(q: Queryable, segmentId: string) {
  return selectRows(
    q,
    ChangeByUserRow,
    `SELECT COALESCE(p."userId", p.id::text) AS "userId", c.kind, c.at FROM "SegmentMembershipChange" c JOIN "Profile" p ON p.id = c."profileId"
        WHERE c."segmentId" = $1 ORDER BY c.id`,
    [segmentId],
  );
}
