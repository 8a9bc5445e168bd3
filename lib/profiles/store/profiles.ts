import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

/** The profile reads Prisma's query builder cannot express: a search over every trait value, and keyset paging of events. */

/** Up to 200 live profiles having any trait whose value contains `q` (case-insensitive, `q` matched literally). */
export async function selectProfilesWithTraitValueLike(q: Queryable, workspaceId: string, text: string) {
  const rows = await selectRows(
    q,
    z.object({ id: z.string() }),
    `SELECT p.id::text FROM "Profile" p, jsonb_each_text(p.traits) t
      WHERE p."workspaceId" = $1::uuid AND p."mergedIntoId" IS NULL AND t.value ILIKE $2
      LIMIT 200`,
    [workspaceId, `%${text.replace(/[%_\\]/g, "\\$&")}%`],
  );
  return rows.map((row) => row.id);
}

/**
 * The ids of one page of the events of `profileIds`, newest first, after the cursor event `before` (when it is
 * an event of this workspace). The cursor's timestamp is compared in SQL: read into JavaScript, a stored instant
 * it cannot hold (lib/events/instant.ts) would be an Invalid Date. Reads `limit + 1` to tell if a page follows.
 */
export async function selectProfileEventIdsPage(
  q: Queryable,
  workspaceId: string,
  profileIds: string[],
  before: string | null,
  limit: number,
): Promise<bigint[]> {
  const rows = await selectRows(
    q,
    z.object({ id: z.union([z.bigint(), z.string()]).transform((id) => BigInt(id)) }),
    `SELECT e.id FROM "Event" e
      WHERE e."workspaceId" = $1::uuid AND e."profileId" = ANY($2::uuid[])
        AND ($3::bigint IS NULL
             OR NOT EXISTS (SELECT 1 FROM "Event" c WHERE c.id = $3::bigint AND c."workspaceId" = $1::uuid)
             OR (e.timestamp, e.id) < (SELECT c.timestamp, c.id FROM "Event" c WHERE c.id = $3::bigint AND c."workspaceId" = $1::uuid))
      ORDER BY e.timestamp DESC, e.id DESC
      LIMIT $4`,
    [workspaceId, profileIds, before, limit + 1],
  );
  return rows.map((row) => row.id);
}

/** Names of this workspace's templates among `ids` (a deleted or foreign id is absent). */
export async function selectTemplateNames(q: Queryable, workspaceId: string, ids: string[]) {
  return selectRows(
    q,
    z.object({ id: z.string(), name: z.string() }),
    `SELECT id::text, name FROM "MessageTemplate" WHERE "workspaceId" = $1 AND id::text = ANY($2::text[])`,
    [workspaceId, ids],
  );
}

/** The template version each sent step of these enrollments was rendered with. */
export async function selectSentTemplateVersions(q: Queryable, workspaceId: string, enrollmentIds: string[]) {
  return selectRows(
    q,
    z.object({ enrollmentId: z.string(), nodeId: z.string(), templateVersion: z.number() }),
    `SELECT "enrollmentId"::text, "nodeId", "templateVersion" FROM "Message"
      WHERE "workspaceId" = $1 AND "enrollmentId" = ANY($2::uuid[]) AND "templateVersion" IS NOT NULL`,
    [workspaceId, enrollmentIds],
  );
}
