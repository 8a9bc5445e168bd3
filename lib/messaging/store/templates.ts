import { z } from "zod";
import { type Queryable, selectRow, selectRows } from "../../db/sql";

/**
 * A version is live once it needs no approval or has been approved (#20: AI drafts and workspaces that require
 * approval of every change save versions that wait); it went live when it was approved, else when it was saved.
 * Sends and publishes use the newest live version; the editor still opens the newest version of all.
 */
const LIVE = `(v."needsApproval" = false OR v."approvedAt" IS NOT NULL)`;
const LIVE_AT = `COALESCE(v."approvedAt", v."createdAt")`;

const PartialRow = z.object({ name: z.string(), content: z.object({ body: z.string() }) });

/** The workspace's partials not archived, each in its newest version live by `at`. */
export async function selectPartialsAt(q: Queryable, workspaceId: string, at: Date) {
  return selectRows(
    q,
    PartialRow,
    `SELECT DISTINCT ON (t.id) t.name, v.content FROM "MessageTemplate" t JOIN "MessageTemplateVersion" v ON v."templateId" = t.id
     WHERE t."workspaceId" = $1::uuid AND t.channel = 'partial' AND t."archivedAt" IS NULL AND ${LIVE} AND ${LIVE_AT} <= $2
     ORDER BY t.id, v.version DESC`,
    [workspaceId, at],
  );
}

const CurrentVersionRow = z.object({
  workspaceId: z.string(),
  channel: z.string(),
  archived: z.boolean(),
  version: z.number().nullable(),
  createdAt: z.date().nullable(),
  /** the newest version of all (live or waiting for approval); 0 before the first save */
  newestVersion: z.number(),
});

/**
 * A template (any workspace, any kind) with its newest live version's number and the moment it went live (null
 * before the first save, or while every version waits for approval).
 */
export function selectCurrentVersion(q: Queryable, templateId: string) {
  return selectRow(
    q,
    CurrentVersionRow,
    `SELECT t."workspaceId"::text, t.channel, t."archivedAt" IS NOT NULL AS archived, lv.version, lv."createdAt",
            t."currentVersion" AS "newestVersion"
     FROM "MessageTemplate" t
     LEFT JOIN LATERAL (SELECT v.version, ${LIVE_AT} AS "createdAt" FROM "MessageTemplateVersion" v
                        WHERE v."templateId" = t.id AND ${LIVE} ORDER BY v.version DESC LIMIT 1) lv ON true
     WHERE t.id = $1::uuid`,
    [templateId],
  );
}

const VersionNumberRow = z.object({ version: z.number() });

/** The number of the template's newest version live by `at` (saved, and approved if it needed it), or undefined. */
export async function selectVersionNumberAt(q: Queryable, templateId: string, at: Date): Promise<number | undefined> {
  const row = await selectRow(
    q,
    VersionNumberRow,
    `SELECT v.version FROM "MessageTemplateVersion" v WHERE v."templateId" = $1::uuid AND ${LIVE} AND ${LIVE_AT} <= $2
     ORDER BY v.version DESC LIMIT 1`,
    [templateId, at],
  );
  return row?.version;
}

const VersionContentRow = z.object({ content: z.record(z.string(), z.unknown()) });

/** A saved version's content (versions are never changed once saved), or undefined. */
export async function selectVersionContent(
  q: Queryable,
  templateId: string,
  version: number,
): Promise<Record<string, unknown> | undefined> {
  const row = await selectRow(
    q,
    VersionContentRow,
    `SELECT content FROM "MessageTemplateVersion" WHERE "templateId" = $1::uuid AND version = $2`,
    [templateId, version],
  );
  return row?.content;
}

const CurrentPartialRow = PartialRow.extend({ createdAt: z.date() });

/** The workspace's partials not archived, each in its newest live version, with when that version went live. */
export async function selectCurrentPartials(q: Queryable, workspaceId: string) {
  return selectRows(
    q,
    CurrentPartialRow,
    `SELECT DISTINCT ON (t.id) t.name, v.content, ${LIVE_AT} AS "createdAt" FROM "MessageTemplate" t JOIN "MessageTemplateVersion" v ON v."templateId" = t.id
     WHERE t."workspaceId" = $1::uuid AND t.channel = 'partial' AND t."archivedAt" IS NULL AND ${LIVE}
     ORDER BY t.id, v.version DESC`,
    [workspaceId],
  );
}
