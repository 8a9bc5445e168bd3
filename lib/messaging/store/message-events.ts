import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";

/** The SQL of a message's timeline (MessageEvent): one row per thing that happened to it after it was queued. */

/** Adds an entry to a message's timeline. */
export async function insertMessageEvent(
  q: Queryable,
  messageId: string,
  workspaceId: string,
  type: string,
  at: Date,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await execute(
    q,
    `INSERT INTO "MessageEvent" ("messageId", "workspaceId", type, at, detail) VALUES ($1, $2, $3, $4, $5)`,
    [messageId, workspaceId, type, at, JSON.stringify(detail)],
  );
}

/** A row whose only news is that it exists. */
const ExistsRow = z.object({});

/** Whether the message's timeline has an entry of this type. */
export async function hasMessageEvent(q: Queryable, messageId: string, type: string): Promise<boolean> {
  return !!(await selectRow(q, ExistsRow, `SELECT 1 FROM "MessageEvent" WHERE "messageId" = $1 AND type = $2 LIMIT 1`, [
    messageId,
    type,
  ]));
}

const TimelineRow = z.object({ type: z.string(), at: z.date(), detail: z.record(z.string(), z.unknown()) });

/** The message's timeline, oldest first. */
export function selectMessageTimeline(q: Queryable, messageId: string): Promise<z.infer<typeof TimelineRow>[]> {
  return selectRows(
    q,
    TimelineRow,
    `SELECT type, at, detail FROM "MessageEvent" WHERE "messageId" = $1 ORDER BY at, id`,
    [messageId],
  );
}
