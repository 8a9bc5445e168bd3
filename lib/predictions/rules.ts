import { z } from "zod";

/**
 * What a segment condition or a journey condition/branch rule asks of a person's prediction score: is the tier
 * one of these, or does the score (0–100) compare with a number. One shape for both, so the segment builder and
 * the journey inspector edit the same thing and the SQL (segments) and the engine (journeys) answer alike:
 *
 *   { kind: "tier", tiers: ["high"] }
 *   { kind: "score", operator: "gte", value: 70 }
 *
 * A person with no score on the prediction (not in its audience, or not scored yet) matches neither: "not high" is written as tiers ["low", "medium"], which a person without a score does not
 * match either.
 *
 * Imports nothing of the project: lib/journeys/graph.ts builds its ZRule from it.
 */

export const PREDICTION_TIERS = ["low", "medium", "high"] as const;
export type PredictionTier = (typeof PREDICTION_TIERS)[number];
export const SCORE_OPERATORS = ["gte", "gt", "lte", "lt"] as const;
export type ScoreOperator = (typeof SCORE_OPERATORS)[number];

export const ZPredictionTest = z.discriminatedUnion(
  "kind",
  [
    z
      .object({
        kind: z.literal("tier"),
        tiers: z
          .array(z.enum(PREDICTION_TIERS, { error: `must be one of ${PREDICTION_TIERS.join(", ")}` }))
          .min(1, "needs at least one tier")
          .refine((t) => new Set(t).size === t.length, "lists each tier once"),
      })
      .strict(),
    z
      .object({
        kind: z.literal("score"),
        operator: z.enum(SCORE_OPERATORS, { error: `must be one of ${SCORE_OPERATORS.join(", ")}` }),
        value: z
          .number({ error: "must be a number" })
          .min(0, "must be from 0 to 100")
          .max(100, "must be from 0 to 100"),
      })
      .strict(),
  ],
  { error: "must be a tier test or a score test" },
);
export type TPredictionTest = z.infer<typeof ZPredictionTest>;

export const ZPredictionId = z.uuid("must be a prediction id");

/** Whether a person's score passes the test; `undefined` (no score) never does. */
export function passesPredictionTest(
  score: { score: number; tier: string } | undefined,
  test: TPredictionTest,
): boolean {
  if (!score) return false;
  if (test.kind === "tier") return (test.tiers as readonly string[]).includes(score.tier);
  switch (test.operator) {
    case "gte":
      return score.score >= test.value;
    case "gt":
      return score.score > test.value;
    case "lte":
      return score.score <= test.value;
    case "lt":
      return score.score < test.value;
  }
}

const OPERATOR_SQL: Record<ScoreOperator, string> = { gte: ">=", gt: ">", lte: "<=", lt: "<" };
const OPERATOR_WORDS: Record<ScoreOperator, string> = {
  gte: "at least",
  gt: "above",
  lte: "at most",
  lt: "below",
};

/**
 * The test as SQL over a "PredictionScore" row aliased `s` (the caller joins it for the person and prediction);
 * `add` hands out parameter placeholders.
 */
export function predictionTestSql(test: TPredictionTest, add: (value: unknown, cast: string) => string): string {
  if (test.kind === "tier") return `s.tier = ANY(${add([...test.tiers], "text[]")})`;
  return `s.score ${OPERATOR_SQL[test.operator]} ${add(test.value, "numeric")}`;
}

/** "tier is high or medium", "score at least 70": for traces and summaries. */
export function describePredictionTest(test: TPredictionTest): string {
  if (test.kind === "tier") return `tier is ${test.tiers.join(" or ")}`;
  return `score ${OPERATOR_WORDS[test.operator]} ${test.value}`;
}
