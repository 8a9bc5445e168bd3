import { z } from "zod";
import { type Queryable, selectRow } from "../../db/sql";

/** The API key reads on the ingestion path: plain statements on the pg pool (see lib/api-keys/api-keys.ts for why). */

/** The origins a live key (by its hash) allows browsers on; undefined for an unknown or revoked key. */
export async function selectAllowedOriginsOfLiveKey(q: Queryable, keyHash: string): Promise<string[] | undefined> {
  const row = await selectRow(
    q,
    z.object({ allowedOrigins: z.array(z.string()) }),
    `SELECT "allowedOrigins" FROM "ApiKey" WHERE "keyHash" = $1 AND "revokedAt" IS NULL`,
    [keyHash],
  );
  return row?.allowedOrigins;
}

const KeyWithWorkspaceRow = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(["WRITE", "FULL"]),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  workspaceId: z.string(),
  slug: z.string(),
  workspaceName: z.string(),
});

/**
 * A key (by its hash) with its workspace, revoked or not, touching its `lastUsedAt` in the same statement when
 * the key is live and the stored value is older than `resolutionSeconds`.
 */
export async function selectKeyWithWorkspaceAndTouch(
  q: Queryable,
  keyHash: string,
  now: Date,
  resolutionSeconds: number,
) {
  return selectRow(
    q,
    KeyWithWorkspaceRow,
    `WITH found AS (
       SELECT k.id, k.name, k.scope, k."revokedAt", k."lastUsedAt", w.id AS "workspaceId", w.slug, w.name AS "workspaceName"
         FROM "ApiKey" k JOIN "Workspace" w ON w.id = k."workspaceId"
        WHERE k."keyHash" = $1
     ), touched AS (
       UPDATE "ApiKey" k SET "lastUsedAt" = $2
         FROM found f
        WHERE k.id = f.id AND f."revokedAt" IS NULL
          AND (f."lastUsedAt" IS NULL OR f."lastUsedAt" <= $2::timestamptz - make_interval(secs => $3))
     )
     SELECT * FROM found`,
    [keyHash, now, resolutionSeconds],
  );
}
