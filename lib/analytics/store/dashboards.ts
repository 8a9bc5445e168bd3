import { z } from "zod";
import { type Queryable, selectRow, selectRows } from "../../db/sql";
import { MESSAGE_STAGES, type MessageStage } from "../message-stages";

/**
 * The dashboards' reads: the rollup tables (lib/analytics/store/rollups.ts writes them), EventVolume and two live
 * index counts on Enrollment. Ranges are ISO days (YYYY-MM-DD, UTC), both inclusive. Sums come back as bigint
 * (text on the wire) and are read as numbers; money stays decimal text for the caller to add up exactly.
 */

const count = z.coerce.number();
const money = z.string().nullable();

const STAGE_SUMS = MESSAGE_STAGES.map((s) => `sum(${s})::bigint AS ${s}`).join(", ");
const stageCounts = Object.fromEntries(MESSAGE_STAGES.map((s) => [s, count])) as Record<MessageStage, typeof count>;

const LastRunRow = z.object({ lastRunAt: z.date().nullable() });

/** When the workspace's rollups last ran (null or undefined: never). */
export async function selectLastRollupRunAt(q: Queryable, workspaceId: string): Promise<Date | null | undefined> {
  const row = await selectRow(
    q,
    LastRunRow,
    `SELECT "lastRunAt" FROM "AnalyticsRollupState" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  return row?.lastRunAt;
}

const EventsDayRow = z.object({ day: z.string(), n: count });

export async function selectEventsPerDay(q: Queryable, workspaceId: string, from: string, to: string) {
  return selectRows(
    q,
    EventsDayRow,
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(count)::bigint AS n FROM "EventVolume"
        WHERE "workspaceId" = $1 AND day BETWEEN $2::date AND $3::date GROUP BY day`,
    [workspaceId, from, to],
  );
}

const WorkspaceJourneyDayRow = z.object({
  day: z.string(),
  entered: count,
  converted: count,
  orders: count,
  revenue: money,
});

/** The workspace's journeys' entries, conversions, orders and revenue per day. */
export async function selectWorkspaceJourneyTotalsPerDay(q: Queryable, workspaceId: string, from: string, to: string) {
  return selectRows(
    q,
    WorkspaceJourneyDayRow,
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(entered)::bigint AS entered, sum(converted)::bigint AS converted,
              sum(orders)::bigint AS orders, sum(revenue)::text AS revenue FROM "AnalyticsJourneyDay"
        WHERE "workspaceId" = $1 AND day BETWEEN $2::date AND $3::date GROUP BY day`,
    [workspaceId, from, to],
  );
}

const WorkspaceMessageDayRow = z.object({ day: z.string(), channel: z.string(), ...stageCounts });

/** The workspace's message stage counts per day and channel. */
export async function selectWorkspaceMessageStagesPerDay(q: Queryable, workspaceId: string, from: string, to: string) {
  return selectRows(
    q,
    WorkspaceMessageDayRow,
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, channel, ${STAGE_SUMS} FROM "AnalyticsMessageDay"
        WHERE "workspaceId" = $1 AND day BETWEEN $2::date AND $3::date GROUP BY day, channel`,
    [workspaceId, from, to],
  );
}

const TopJourneyRow = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  entered: count,
  converted: count,
  orders: count,
  revenue: money,
});

/** The ten journeys with the most entries in the range. */
export async function selectTopJourneys(q: Queryable, workspaceId: string, from: string, to: string) {
  return selectRows(
    q,
    TopJourneyRow,
    `SELECT a."journeyId" AS id, j.name, j.status::text AS status, sum(a.entered)::bigint AS entered, sum(a.converted)::bigint AS converted,
              sum(a.orders)::bigint AS orders, sum(a.revenue)::text AS revenue
         FROM "AnalyticsJourneyDay" a JOIN "Journey" j ON j.id = a."journeyId"
        WHERE a."workspaceId" = $1 AND a.day BETWEEN $2::date AND $3::date
        GROUP BY 1, 2, 3 ORDER BY sum(a.entered) DESC, j.name LIMIT 10`,
    [workspaceId, from, to],
  );
}

const CountRow = z.object({ n: count });

/** People in any of the workspace's journeys now (ACTIVE or WAITING). */
export async function countActiveEnrollmentsInWorkspace(q: Queryable, workspaceId: string): Promise<number> {
  // Enrollment(journeyId, status, currentNodeId): one index range per journey and status
  const row = await selectRow(
    q,
    CountRow,
    `SELECT count(*)::bigint AS n FROM "Enrollment"
        WHERE "journeyId" IN (SELECT id FROM "Journey" WHERE "workspaceId" = $1) AND status IN ('ACTIVE', 'WAITING')`,
    [workspaceId],
  );
  return row?.n ?? 0;
}

/** People in the journey now (ACTIVE or WAITING). */
export async function countActiveEnrollmentsInJourney(q: Queryable, journeyId: string): Promise<number> {
  const row = await selectRow(
    q,
    CountRow,
    `SELECT count(*)::bigint AS n FROM "Enrollment" WHERE "journeyId" = $1 AND status IN ('ACTIVE', 'WAITING')`,
    [journeyId],
  );
  return row?.n ?? 0;
}

export interface DashboardGraph {
  nodes?: { id: string; type: string; label?: string; position?: { x: number; y: number } }[];
  edges?: { source: string; target: string; branch?: string }[];
}

const JourneyRow = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  version: z.number().nullable(),
  graph: z.custom<DashboardGraph>().nullable(),
});

/** The journey with its live version's graph (its draft's before it is published), if it is in the workspace. */
export async function selectJourneyWithShownGraph(q: Queryable, journeyId: string, workspaceId: string) {
  return selectRow(
    q,
    JourneyRow,
    `SELECT j.id, j.name, j.status::text AS status, v.version, COALESCE(v.graph, j.draft) AS graph
       FROM "Journey" j LEFT JOIN "JourneyVersion" v ON v.id = j."liveVersionId"
      WHERE j.id = $1 AND j."workspaceId" = $2`,
    [journeyId, workspaceId],
  );
}

const JourneyDayRow = z.object({
  day: z.string(),
  entered: z.number(),
  completed: z.number(),
  exited: z.number(),
  failed: z.number(),
  converted: z.number(),
  orders: z.number(),
  revenue: money,
});

export async function selectJourneyDays(q: Queryable, journeyId: string, from: string, to: string) {
  return selectRows(
    q,
    JourneyDayRow,
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, entered, completed, exited, failed, converted, orders, revenue::text AS revenue FROM "AnalyticsJourneyDay"
        WHERE "journeyId" = $1 AND day BETWEEN $2::date AND $3::date`,
    [journeyId, from, to],
  );
}

const NodeTotalsRow = z.object({ nodeId: z.string(), entered: count, converted: count });

/** Visits and conversions per node over the range. */
export async function selectNodeTotals(q: Queryable, journeyId: string, from: string, to: string) {
  return selectRows(
    q,
    NodeTotalsRow,
    `SELECT "nodeId", sum(entered)::bigint AS entered, sum(converted)::bigint AS converted FROM "AnalyticsNodeDay"
        WHERE "journeyId" = $1 AND day BETWEEN $2::date AND $3::date GROUP BY "nodeId"`,
    [journeyId, from, to],
  );
}

const EdgeTotalsRow = z.object({
  source: z.string(),
  branch: z.string(),
  target: z.string(),
  entered: count,
  converted: count,
});

/** Arrivals and conversions per edge over the range. */
export async function selectEdgeTotals(q: Queryable, journeyId: string, from: string, to: string) {
  return selectRows(
    q,
    EdgeTotalsRow,
    `SELECT source, branch, target, sum(entered)::bigint AS entered, sum(converted)::bigint AS converted FROM "AnalyticsEdgeDay"
        WHERE "journeyId" = $1 AND day BETWEEN $2::date AND $3::date GROUP BY 1, 2, 3`,
    [journeyId, from, to],
  );
}

const JourneyMessageDayRow = z.object({
  day: z.string(),
  nodeId: z.string(),
  channel: z.string(),
  ...stageCounts,
  conversions: count,
  orders: count,
  revenue: money,
});
export type JourneyMessageDay = z.output<typeof JourneyMessageDayRow>;

/** The journey's message stage counts and attributed conversions per day, node and channel. */
export async function selectJourneyMessageStagesPerDay(
  q: Queryable,
  journeyId: string,
  from: string,
  to: string,
): Promise<JourneyMessageDay[]> {
  return selectRows(
    q,
    JourneyMessageDayRow,
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, "nodeId", channel, ${STAGE_SUMS}, sum(conversions)::bigint AS conversions, sum(orders)::bigint AS orders,
              sum(revenue)::text AS revenue FROM "AnalyticsMessageDay"
        WHERE "journeyId" = $1::text AND day BETWEEN $2::date AND $3::date GROUP BY day, "nodeId", channel`,
    [journeyId, from, to],
  );
}
