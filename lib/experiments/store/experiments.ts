import { z } from "zod";
import { type Queryable, selectRow, selectRows } from "../../db/sql";

/**
 * The experiments' raw SQL: row locks taken inside a Prisma transaction (pass `prismaQueryable(tx)`), the
 * cron's list of live journeys with a split, and the two history reads Prisma's query API cannot express.
 */

const DecisionStateRow = z.object({
  autoWinner: z.string(),
  weightsChangedAt: z.date().nullable(),
  winnerArmId: z.string().nullable(),
});

/** Locks the experiment row and reads what an auto-winner decision was based on. */
export async function lockExperimentDecisionState(q: Queryable, experimentId: string) {
  return selectRow(
    q,
    DecisionStateRow,
    `SELECT "autoWinner", "weightsChangedAt", "winnerArmId" FROM "Experiment" WHERE id = $1::uuid FOR UPDATE`,
    [experimentId],
  );
}

const WeightsRow = z.object({ weights: z.unknown() });

/** Locks the experiment row and reads its weight override (JSON, null when the published weights apply). */
export async function lockExperimentWeights(q: Queryable, experimentId: string): Promise<unknown> {
  const row = await selectRow(q, WeightsRow, `SELECT weights FROM "Experiment" WHERE id = $1::uuid FOR UPDATE`, [
    experimentId,
  ]);
  return row?.weights;
}

const LiveSplitJourneyRow = z.object({ journeyId: z.string(), workspaceId: z.string(), versionId: z.string() });

/** Live or paused journeys whose live version has an A/B split, with that version. */
export async function selectLiveJourneysWithSplits(q: Queryable) {
  return selectRows(
    q,
    LiveSplitJourneyRow,
    `SELECT j.id AS "journeyId", j."workspaceId", j."liveVersionId" AS "versionId"
      FROM "Journey" j JOIN "JourneyVersion" v ON v.id = j."liveVersionId"
     WHERE j.status IN ('LIVE', 'PAUSED') AND v.graph @> '{"nodes": [{"type": "split"}]}'::jsonb
     ORDER BY j.id`,
  );
}

const ResultPointRow = z.object({ computedAt: z.date(), summary: z.unknown() });

/**
 * The experiment's evaluations, newest first, thinned evenly to at most `maxPoints` (always the latest): numbered
 * without reading the results, then only the chosen rows' summaries (`result.summary.arms`) are read.
 */
export async function selectThinnedResultSummaries(q: Queryable, experimentId: string, maxPoints: number) {
  return selectRows(
    q,
    ResultPointRow,
    `WITH numbered AS (
            SELECT id, row_number() OVER (ORDER BY "computedAt") AS rn, count(*) OVER () AS n
              FROM "ExperimentResult" WHERE "experimentId" = $1::uuid
          )
          SELECT r."computedAt", r.result -> 'summary' -> 'arms' AS summary
            FROM numbered x JOIN "ExperimentResult" r ON r.id = x.id
           WHERE x.n <= $2::int OR (x.rn - 1) % ceil(x.n / $2::int::numeric)::bigint = 0 OR x.rn = x.n
           ORDER BY r."computedAt" DESC`,
    [experimentId, maxPoints],
  );
}

const LatestHeadlineRow = z.object({
  nodeId: z.string(),
  assigned: z.number().nullable(),
  winner: z.object({ armId: z.string(), label: z.string() }).nullable(),
  enoughData: z.boolean().nullable(),
});

/**
 * Each experiment of the journey with its newest result's headline, through the (experimentId, computedAt) index:
 * one row per split, however long the history (the cron stores one every 15 minutes; a DISTINCT ON over the
 * journey's results read and summed all of them, 0.2 s at 90 days).
 */
export async function selectLatestResultHeadlines(q: Queryable, journeyId: string) {
  return selectRows(
    q,
    LatestHeadlineRow,
    `SELECT e."nodeId",
               (SELECT sum((a ->> 'assigned')::int) FROM jsonb_array_elements(r.result -> 'summary' -> 'arms') a)::int AS assigned,
               r.result -> 'winner' AS winner, (r.result ->> 'enoughData')::boolean AS "enoughData"
          FROM "Experiment" e
          CROSS JOIN LATERAL (
            SELECT result FROM "ExperimentResult" WHERE "experimentId" = e.id ORDER BY "computedAt" DESC LIMIT 1
          ) r
         WHERE e."journeyId" = $1::uuid`,
    [journeyId],
  );
}
