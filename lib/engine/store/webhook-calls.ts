import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";

/** The SQL of webhook steps' calls (lib/engine/webhook.ts claims, makes and records them). */

export interface WebhookCallToClaim {
  enrollmentId: string;
  nodeId: string;
  visit: number;
  /** the id a new row takes */
  id: string;
  workspaceId: string;
  url: string;
  method: string;
  body: string | null;
}

const ClaimedCallRow = z.object({
  id: z.string(),
  enrollmentId: z.string(),
  nodeId: z.string(),
  visit: z.number(),
  attempts: z.number(),
});
export type ClaimedCall = z.infer<typeof ClaimedCallRow>;

/**
 * Claims the calls until `claimUntil`, in one statement: a new row (only while the person is still at this step: a
 * webhook event that arrives after they moved on or left calls nothing), or a pending row whose claim lapsed before
 * `now`. Returns the calls claimed; the others are done, gone, or someone else's.
 */
export async function claimWebhookCalls(
  q: Queryable,
  calls: WebhookCallToClaim[],
  claimUntil: Date,
  now: Date,
): Promise<ClaimedCall[]> {
  return selectRows(
    q,
    ClaimedCallRow,
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[])
         AS t("enrollmentId", "nodeId", visit, id, "workspaceId", url, method, body)
     ), here AS (
       SELECT i.* FROM input i JOIN "Enrollment" e ON e.id = i."enrollmentId" AND e.status = 'ACTIVE' AND e."currentNodeId" = i."nodeId"
     ), fresh AS (
       INSERT INTO "WebhookCall" (id, "workspaceId", "enrollmentId", "nodeId", visit, url, method, "requestBody", "claimedUntil")
       SELECT id, "workspaceId", "enrollmentId", "nodeId", visit, url, method, body, $9 FROM here
       ON CONFLICT ("enrollmentId", "nodeId", visit) DO NOTHING RETURNING id, "enrollmentId", "nodeId", visit, attempts
     ), lapsed AS (
       UPDATE "WebhookCall" w SET "claimedUntil" = $9 FROM input i
        WHERE w."enrollmentId" = i."enrollmentId" AND w."nodeId" = i."nodeId" AND w.visit = i.visit
          AND w.status = 'pending' AND (w."claimedUntil" IS NULL OR w."claimedUntil" < $10)
       RETURNING w.id, w."enrollmentId", w."nodeId", w.visit, w.attempts
     )
     SELECT id::text, "enrollmentId"::text, "nodeId", visit, attempts FROM fresh
     UNION ALL SELECT id::text, "enrollmentId"::text, "nodeId", visit, attempts FROM lapsed`,
    [
      calls.map((c) => c.enrollmentId),
      calls.map((c) => c.nodeId),
      calls.map((c) => c.visit),
      calls.map((c) => c.id),
      calls.map((c) => c.workspaceId),
      calls.map((c) => c.url),
      calls.map((c) => c.method),
      calls.map((c) => c.body),
      claimUntil,
      now,
    ],
  );
}

const WebhookCallStateRow = z.object({
  enrollmentId: z.string(),
  nodeId: z.string(),
  visit: z.number(),
  status: z.string(),
  responseStatus: z.number().nullable(),
  error: z.string().nullable(),
  attempts: z.number(),
});

/** Where these calls are, for those that have a row. */
export async function selectWebhookCallStates(
  q: Queryable,
  calls: { enrollmentId: string; nodeId: string; visit: number }[],
): Promise<z.infer<typeof WebhookCallStateRow>[]> {
  return selectRows(
    q,
    WebhookCallStateRow,
    `SELECT w."enrollmentId"::text, w."nodeId", w.visit, w.status, w."responseStatus", w.error, w.attempts
         FROM "WebhookCall" w JOIN unnest($1::uuid[], $2::text[], $3::int[]) AS t("enrollmentId", "nodeId", visit)
           ON w."enrollmentId" = t."enrollmentId" AND w."nodeId" = t."nodeId" AND w.visit = t.visit`,
    [calls.map((c) => c.enrollmentId), calls.map((c) => c.nodeId), calls.map((c) => c.visit)],
  );
}

export interface CompletedCall {
  id: string;
  status: "succeeded" | "failed";
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  attempts: number;
}

/** Records these calls' outcomes, completed at `completedAt`, and releases their claims: one statement. */
export async function completeWebhookCalls(q: Queryable, calls: CompletedCall[], completedAt: Date): Promise<void> {
  await execute(
    q,
    `UPDATE "WebhookCall" w SET status = c.status, "responseStatus" = c."responseStatus", "responseBody" = c."responseBody", error = c.error,
              "durationMs" = c."durationMs", "completedAt" = $8, "claimedUntil" = NULL, attempts = c.attempts
             FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[])
               AS c(id, status, "responseStatus", "responseBody", error, "durationMs", attempts)
            WHERE w.id = c.id`,
    [
      calls.map((c) => c.id),
      calls.map((c) => c.status),
      calls.map((c) => c.responseStatus),
      calls.map((c) => c.responseBody),
      calls.map((c) => c.error),
      calls.map((c) => c.durationMs),
      calls.map((c) => c.attempts),
      completedAt,
    ],
  );
}

/** The call's attempt count, recorded before a retry is made. */
export async function updateWebhookCallAttempts(q: Queryable, id: string, attempts: number): Promise<void> {
  await execute(q, `UPDATE "WebhookCall" SET attempts = $2 WHERE id = $1`, [id, attempts]);
}
