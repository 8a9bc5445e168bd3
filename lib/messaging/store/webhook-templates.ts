import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";
import type { WebhookContent } from "../liquid";

/**
 * The SQL of webhook templates as published journeys use them (lib/messaging/webhook-templates.ts): each
 * template's newest version live by a moment (saved, and approved if it waited for approval: #20, as
 * lib/messaging/store/templates.ts), and the workspace's partials as they were then.
 */

const WebhookVersionRow = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number(),
  // validated by the template's schema when it was saved (lib/messaging/templates.ts)
  content: z.custom<WebhookContent>((value) => typeof value === "object" && value !== null),
});

/** For each of the workspace's webhook templates in `ids`, its newest version saved by `at` (none: left out). */
export function selectWebhookTemplateVersionsAt(
  q: Queryable,
  workspaceId: string,
  ids: string[],
  at: Date,
): Promise<z.infer<typeof WebhookVersionRow>[]> {
  return selectRows(
    q,
    WebhookVersionRow,
    `SELECT DISTINCT ON (t.id) t.id::text, t.name, v.version, v.content FROM "MessageTemplate" t JOIN "MessageTemplateVersion" v ON v."templateId" = t.id
      WHERE t.id = ANY($1::uuid[]) AND t."workspaceId" = $2::uuid AND t.channel = 'webhook'
        AND (v."needsApproval" = false OR v."approvedAt" IS NOT NULL) AND COALESCE(v."approvedAt", v."createdAt") <= $3
      ORDER BY t.id, v.version DESC`,
    [ids, workspaceId, at],
  );
}

const PartialRow = z.object({ name: z.string(), content: z.looseObject({ body: z.string() }) });

/** The workspace's partials as they were at `at`: saved by then and not archived by then, each in its newest version then. */
export function selectPartialsAt(q: Queryable, workspaceId: string, at: Date): Promise<z.infer<typeof PartialRow>[]> {
  return selectRows(
    q,
    PartialRow,
    `SELECT DISTINCT ON (t.id) t.name, v.content FROM "MessageTemplate" t JOIN "MessageTemplateVersion" v ON v."templateId" = t.id
      WHERE t."workspaceId" = $1::uuid AND t.channel = 'partial' AND (t."archivedAt" IS NULL OR t."archivedAt" > $2)
        AND (v."needsApproval" = false OR v."approvedAt" IS NOT NULL) AND COALESCE(v."approvedAt", v."createdAt") <= $2
      ORDER BY t.id, v.version DESC`,
    [workspaceId, at],
  );
}
