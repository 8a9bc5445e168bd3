import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";

/**
 * The Prediction table as the pages and the API see it (create, update, archive, list, get), the model history
 * (PredictionModel), the tier counts of the current scores, and the two reads a definition is checked against: the
 * event catalog and the audience segment. Training (lib/predictions/train*) writes models and scores itself.
 */

const PREDICTION_COLUMNS = `p.id, p.key, p.name, p.kind, p.target, p."horizonDays", p."audienceSegmentId",
  s.name AS "audienceSegmentName", p."retrainEveryDays", p."liveModelId", p."trainingStatus", p."trainingError",
  p."trainingStartedAt", p."lastTrainedAt", p."lastScoredAt", p."archivedAt", p."createdByLabel", p."updatedByLabel",
  p."createdAt", p."updatedAt",
  m.version AS "liveVersion", m.verdict AS "liveVerdict", m.quality AS "liveQuality", m."trainedAt" AS "liveTrainedAt"`;

const PREDICTION_FROM = `"Prediction" p
  LEFT JOIN "Segment" s ON s.id = p."audienceSegmentId" AND s."workspaceId" = p."workspaceId"
  LEFT JOIN "PredictionModel" m ON m.id = p."liveModelId" AND m."predictionId" = p.id`;

export const PredictionRow = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  kind: z.string(),
  target: z.unknown(),
  horizonDays: z.number(),
  audienceSegmentId: z.string().nullable(),
  audienceSegmentName: z.string().nullable(),
  retrainEveryDays: z.number(),
  liveModelId: z.string().nullable(),
  trainingStatus: z.string(),
  trainingError: z.string().nullable(),
  trainingStartedAt: z.date().nullable(),
  lastTrainedAt: z.date().nullable(),
  lastScoredAt: z.date().nullable(),
  archivedAt: z.date().nullable(),
  createdByLabel: z.string(),
  updatedByLabel: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  liveVersion: z.number().nullable(),
  liveVerdict: z.string().nullable(),
  liveQuality: z.unknown(),
  liveTrainedAt: z.date().nullable(),
});
export type PredictionRow = z.infer<typeof PredictionRow>;

/** The workspace's predictions, newest change first; archived ones only when asked. */
export function selectPredictions(q: Queryable, workspaceId: string, archived: boolean) {
  return selectRows(
    q,
    PredictionRow,
    `SELECT ${PREDICTION_COLUMNS} FROM ${PREDICTION_FROM}
      WHERE p."workspaceId" = $1::uuid AND (p."archivedAt" IS NOT NULL) = $2
      ORDER BY p."updatedAt" DESC, p.id`,
    [workspaceId, archived],
  );
}

/** One prediction of the workspace (archived too), or null: another workspace's id is as unknown as a missing one. */
export function selectPrediction(q: Queryable, workspaceId: string, id: string) {
  return selectRow(
    q,
    PredictionRow,
    `SELECT ${PREDICTION_COLUMNS} FROM ${PREDICTION_FROM} WHERE p."workspaceId" = $1::uuid AND p.id = $2::uuid`,
    [workspaceId, id],
  );
}

export class PredictionKeyTakenError extends Error {}

/** Inserts a prediction; a key the workspace already uses (archived predictions included) is PredictionKeyTakenError. */
export async function insertPrediction(
  q: Queryable,
  row: {
    workspaceId: string;
    key: string;
    name: string;
    kind: string;
    target: unknown;
    horizonDays: number;
    audienceSegmentId: string | null;
    retrainEveryDays: number;
    label: string;
    now: Date;
  },
): Promise<string> {
  const created = await selectRow(
    q,
    z.object({ id: z.string() }),
    `INSERT INTO "Prediction" (id, "workspaceId", key, name, kind, target, "horizonDays", "audienceSegmentId",
       "retrainEveryDays", "createdByLabel", "updatedByLabel", "createdAt", "updatedAt")
     VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4, $5::jsonb, $6, $7::uuid, $8, $9, $9, $10, $10)
     ON CONFLICT ("workspaceId", key) DO NOTHING
     RETURNING id`,
    [
      row.workspaceId,
      row.key,
      row.name,
      row.kind,
      JSON.stringify(row.target),
      row.horizonDays,
      row.audienceSegmentId,
      row.retrainEveryDays,
      row.label,
      row.now,
    ],
  );
  if (!created) throw new PredictionKeyTakenError();
  return created.id;
}

/** Writes a prediction's editable columns (the caller passes the whole new definition). */
export async function updatePredictionRow(
  q: Queryable,
  row: {
    workspaceId: string;
    id: string;
    name: string;
    target: unknown;
    horizonDays: number;
    audienceSegmentId: string | null;
    retrainEveryDays: number;
    label: string;
    now: Date;
  },
): Promise<void> {
  await execute(
    q,
    `UPDATE "Prediction" SET name = $3, target = $4::jsonb, "horizonDays" = $5, "audienceSegmentId" = $6::uuid,
       "retrainEveryDays" = $7, "updatedByLabel" = $8, "updatedAt" = $9
     WHERE "workspaceId" = $1::uuid AND id = $2::uuid`,
    [
      row.workspaceId,
      row.id,
      row.name,
      JSON.stringify(row.target),
      row.horizonDays,
      row.audienceSegmentId,
      row.retrainEveryDays,
      row.label,
      row.now,
    ],
  );
}

/** Archives a live prediction; false when it was archived already (or is not the workspace's). */
export async function archivePredictionRow(
  q: Queryable,
  workspaceId: string,
  id: string,
  label: string,
  now: Date,
): Promise<boolean> {
  const n = await execute(
    q,
    `UPDATE "Prediction" SET "archivedAt" = $3, "updatedByLabel" = $4, "updatedAt" = $3
     WHERE "workspaceId" = $1::uuid AND id = $2::uuid AND "archivedAt" IS NULL`,
    [workspaceId, id, now, label],
  );
  return n > 0;
}

/** Which of `names` the workspace's event catalog has seen. */
export async function selectSeenEventNames(q: Queryable, workspaceId: string, names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await selectRows(
    q,
    z.object({ name: z.string() }),
    `SELECT name FROM "EventType" WHERE "workspaceId" = $1::uuid AND name = ANY($2::text[])`,
    [workspaceId, names],
  );
  return new Set(rows.map((r) => r.name));
}

/** A segment of the workspace as an audience: whether it is archived and whether anyone is in it now. */
export function selectAudienceSegment(q: Queryable, workspaceId: string, segmentId: string) {
  return selectRow(
    q,
    z.object({ id: z.string(), name: z.string(), archived: z.boolean(), hasMembers: z.boolean() }),
    `SELECT s.id, s.name, s."archivedAt" IS NOT NULL AS archived,
            EXISTS (SELECT 1 FROM "SegmentMembership" sm WHERE sm."segmentId" = s.id AND sm."workspaceId" = s."workspaceId") AS "hasMembers"
       FROM "Segment" s WHERE s."workspaceId" = $1::uuid AND s.id = $2::uuid`,
    [workspaceId, segmentId],
  );
}

export const ModelRow = z.object({
  id: z.string(),
  version: z.number(),
  status: z.string(),
  verdict: z.string(),
  trainingFrom: z.date(),
  trainingTo: z.date(),
  validationFrom: z.date(),
  validationTo: z.date(),
  quality: z.unknown(),
  examples: z.number(),
  positives: z.number(),
  error: z.string().nullable(),
  durationMs: z.number(),
  trainedAt: z.date(),
});
export type ModelRow = z.infer<typeof ModelRow>;

/** A prediction's trainings, newest first (the artifact, the heavy part, is left out). */
export function selectModels(q: Queryable, workspaceId: string, predictionId: string, limit: number) {
  return selectRows(
    q,
    ModelRow,
    `SELECT id, version, status, verdict, "trainingFrom", "trainingTo", "validationFrom", "validationTo", quality,
            examples, positives, error, "durationMs", "trainedAt"
       FROM "PredictionModel" WHERE "workspaceId" = $1::uuid AND "predictionId" = $2::uuid
      ORDER BY version DESC LIMIT $3`,
    [workspaceId, predictionId, limit],
  );
}

/** How many people hold each tier of the prediction now: one grouped read. */
export async function selectTierCounts(
  q: Queryable,
  workspaceId: string,
  predictionId: string,
): Promise<Record<string, number>> {
  const rows = await selectRows(
    q,
    z.object({ tier: z.string(), n: z.number() }),
    `SELECT tier, count(*)::int AS n FROM "PredictionScore"
      WHERE "workspaceId" = $1::uuid AND "predictionId" = $2::uuid GROUP BY tier`,
    [workspaceId, predictionId],
  );
  return Object.fromEntries(rows.map((r) => [r.tier, r.n]));
}
