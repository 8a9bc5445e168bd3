import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

const BatchEventRow = z.object({
  profileId: z.string(),
  name: z.string().nullable(),
  type: z.string(),
  profileChange: z.boolean(),
});

/**
 * A stored batch's events as the event-driven update reads them: the person (a merged profile counts as the
 * person it became), the name and type, and whether the event can change the profile itself (identify, alias,
 * Cairn's own messaging events, a device token, or the person's first events).
 */
export function selectBatchEvents(q: Queryable, workspaceId: string, eventIds: string[]) {
  return selectRows(
    q,
    BatchEventRow,
    `SELECT COALESCE(p."mergedIntoId", ev."profileId") AS "profileId", ev.name, ev.type,
            (ev.type IN ('identify', 'alias') OR ev.source = 'messaging' OR (ev.context #>> '{device,token}') IS NOT NULL
             -- a person new with this batch: profile conditions ("has no plan") may hold for them from the start
             OR NOT EXISTS (SELECT 1 FROM "Event" o WHERE o."workspaceId" = $1 AND o."profileId" = ev."profileId" AND NOT (o.id = ANY($2::bigint[])))) AS "profileChange"
       FROM "Event" ev JOIN "Profile" p ON p.id = ev."profileId"
      WHERE ev."workspaceId" = $1 AND ev.id = ANY($2::bigint[])`,
    [workspaceId, eventIds],
  );
}
