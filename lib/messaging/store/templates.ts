import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

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
