import { z } from "zod";
import { pgPool } from "../../db/pool";
import { type Queryable, selectRows } from "../../db/sql";
import type { ScoreReason, Tier } from "../types";

/**
 * A person's current prediction scores, keyed by the prediction's key: what the profile API and page show
 * (`predictionsOfProfile`) and what Liquid reads as `profile.predictions.<key>` (`predictionScoresOf`, one query for
 * a whole batch of recipients). Archived predictions are left out: they no longer serve, so a template or page must
 * not keep showing their last scores.
 */
export interface ProfilePrediction {
  predictionId: string;
  name: string;
  kind: string;
  score: number;
  tier: Tier;
  /** the calibrated probability, 0–1 */
  probability: number;
  scoredAt: string;
  reasons: ScoreReason[];
}

/** What a template sees: `{{ profile.predictions.churn.score }}`, `.tier`, `.probability`, `.scored_at`. */
export interface LiquidPrediction {
  score: number;
  tier: Tier;
  probability: number;
  scored_at: string;
}

const ZTier = z.enum(["low", "medium", "high"]);
const ZReason = z.object({ feature: z.string(), label: z.string(), value: z.number(), contribution: z.number() });

const ProfileRow = z.object({
  key: z.string(),
  predictionId: z.string(),
  name: z.string(),
  kind: z.string(),
  score: z.number(),
  tier: ZTier,
  probability: z.number(),
  scoredAt: z.date(),
  // reasons were written by training; a malformed entry should not hide the score, so bad ones are dropped below
  reasons: z.unknown(),
});

/** The person's scores on every live prediction of the workspace, keyed by prediction key. */
export async function predictionsOfProfile(
  workspaceId: string,
  profileId: string,
  q: Queryable = pgPool(),
): Promise<Record<string, ProfilePrediction>> {
  const rows = await selectRows(
    q,
    ProfileRow,
    `SELECT p.key, p.id AS "predictionId", p.name, p.kind, s.score, s.tier, s.probability, s."scoredAt", s.reasons
       FROM "PredictionScore" s JOIN "Prediction" p ON p.id = s."predictionId"
      WHERE s."workspaceId" = $1::uuid AND s."profileId" = $2::uuid AND p."workspaceId" = $1::uuid
        AND p."archivedAt" IS NULL
      ORDER BY p.key`,
    [workspaceId, profileId],
  );
  const out: Record<string, ProfilePrediction> = {};
  for (const r of rows) {
    out[r.key] = {
      predictionId: r.predictionId,
      name: r.name,
      kind: r.kind,
      score: r.score,
      tier: r.tier,
      probability: r.probability,
      scoredAt: r.scoredAt.toISOString(),
      reasons: Array.isArray(r.reasons)
        ? r.reasons.flatMap((reason) => {
            const parsed = ZReason.safeParse(reason);
            return parsed.success ? [parsed.data] : [];
          })
        : [],
    };
  }
  return out;
}

const BatchRow = z.object({
  profileId: z.string(),
  key: z.string(),
  score: z.number(),
  tier: ZTier,
  probability: z.number(),
  scoredAt: z.date(),
});

/**
 * Liquid's `profile.predictions` for many recipients at once (a broadcast batch, a journey walk): one query, and
 * every asked-for profile gets an entry (an empty object when it has no scores, so `{{ profile.predictions.x.score
 * | default: … }}` renders the default rather than failing).
 */
export async function predictionScoresOf(
  workspaceId: string,
  profileIds: readonly string[],
  q: Queryable = pgPool(),
): Promise<Map<string, Record<string, LiquidPrediction>>> {
  const out = new Map<string, Record<string, LiquidPrediction>>();
  for (const id of profileIds) out.set(id, {});
  if (profileIds.length === 0) return out;
  const rows = await selectRows(
    q,
    BatchRow,
    `SELECT s."profileId", p.key, s.score, s.tier, s.probability, s."scoredAt"
       FROM "PredictionScore" s JOIN "Prediction" p ON p.id = s."predictionId"
      WHERE s."workspaceId" = $1::uuid AND s."profileId" = ANY($2::uuid[]) AND p."workspaceId" = $1::uuid
        AND p."archivedAt" IS NULL`,
    [workspaceId, [...new Set(profileIds)]],
  );
  for (const r of rows) {
    const entry = out.get(r.profileId);
    if (!entry) continue;
    entry[r.key] = { score: r.score, tier: r.tier, probability: r.probability, scored_at: r.scoredAt.toISOString() };
  }
  return out;
}

/**
 * Whether a template may read `profile.predictions` (a substring check over its Liquid sources, layout and
 * partials), so renders that do not pay nothing.
 */
export function mentionsPredictions(sources: readonly string[]): boolean {
  return sources.some((s) => s.includes("predictions"));
}

/** `scope` with `profile.predictions` set (a scope without a profile object is returned as it is). */
export function withPredictionsInScope<S extends object>(scope: S, predictions: Record<string, LiquidPrediction>): S {
  const profile = (scope as { profile?: unknown }).profile;
  if (!profile || typeof profile !== "object") return scope;
  return { ...scope, profile: { ...profile, predictions } };
}

/** Whether the scope's profile has its predictions already (a batch loaded them for everyone). */
export function hasPredictionsInScope(scope: object): boolean {
  const profile = (scope as { profile?: unknown }).profile;
  return !!profile && typeof profile === "object" && "predictions" in profile;
}
