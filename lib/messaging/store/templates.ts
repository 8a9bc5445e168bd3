import { z } from "zod";
import { type Queryable, selectRow, selectRows } from "../../db/sql";

const PartialRow = z.object({ name: z.string(), content: z.object({ body: z.string() }) });

/** The workspace's partials not archived, each in its newest version saved by `at`. */
export async function selectPartialsAt(q: Queryable, workspaceId: string, at: Date) {
  return selectRows(
    q,
    PartialRow,
    `SELECT DISTINCT ON (t.id) t.name, v.content FROM "MessageTemplate" t JOIN "MessageTemplateVersion" v ON v."templateId" = t.id
     WHERE t."workspaceId" = $1::uuid AND t.channel = 'partial' AND t."archivedAt" IS NULL AND v."createdAt" <= $2
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
});

/** A template (any workspace, any kind) with its newest version's number and save time (null before the first save). */
export function selectCurrentVersion(q: Queryable, templateId: string) {
  return selectRow(
    q,
    CurrentVersionRow,
    `SELECT t."workspaceId"::text, t.channel, t."archivedAt" IS NOT NULL AS archived, v.version, v."createdAt"
     FROM "MessageTemplate" t
     LEFT JOIN LATERAL (SELECT version, "createdAt" FROM "MessageTemplateVersion" WHERE "templateId" = t.id
                        ORDER BY version DESC LIMIT 1) v ON true
     WHERE t.id = $1::uuid`,
    [templateId],
  );
}

const VersionNumberRow = z.object({ version: z.number() });

/** The number of the template's newest version saved by `at`, or undefined. */
export async function selectVersionNumberAt(q: Queryable, templateId: string, at: Date): Promise<number | undefined> {
  const row = await selectRow(
    q,
    VersionNumberRow,
    `SELECT version FROM "MessageTemplateVersion" WHERE "templateId" = $1::uuid AND "createdAt" <= $2
     ORDER BY version DESC LIMIT 1`,
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

/** The workspace's partials not archived, each in its newest version, with when that version was saved. */
export async function selectCurrentPartials(q: Queryable, workspaceId: string) {
  return selectRows(
    q,
    CurrentPartialRow,
    `SELECT DISTINCT ON (t.id) t.name, v.content, v."createdAt" FROM "MessageTemplate" t JOIN "MessageTemplateVersion" v ON v."templateId" = t.id
     WHERE t."workspaceId" = $1::uuid AND t.channel = 'partial' AND t."archivedAt" IS NULL
     ORDER BY t.id, v.version DESC`,
    [workspaceId],
  );
}
