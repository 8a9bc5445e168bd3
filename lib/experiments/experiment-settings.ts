import { z } from "zod";
import {
  CORRECTIONS,
  DEFAULT_ANALYSIS_SETTINGS,
  type AnalysisSettings,
  type Correction,
  type LiftPrior,
} from "./analysis";
import { AUTO_WINNER_MODES, type AutoWinnerMode } from "./auto-winner";

/** An experiment's analysis settings and auto-winner mode: what may be sent, and what a stored row means. */

export const ZExperimentSettings = z
  .object({
    autoWinner: z.enum(AUTO_WINNER_MODES, { error: 'must be "off", "winner" or "bandit"' }).optional(),
    test: z.enum(["sequential", "fixed"], { error: 'must be "sequential" or "fixed"' }).optional(),
    nStar: z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(100, "must be at least 100")
      .max(100_000_000, "must be at most 100,000,000")
      .optional(),
    correction: z.enum(CORRECTIONS, { error: 'must be "holm" or "bh"' }).optional(),
    // A normal prior on the relative lift (0.02 = +2%); null goes back to the flat prior.
    prior: z
      .object(
        {
          mean: z
            .number({ error: "must be a number" })
            .min(-1, "must be at least -1 (a lift of −100%)")
            .max(10, "must be at most 10 (+1,000%)"),
          sd: z.number({ error: "must be a number" }).gt(0, "must be more than 0").max(10, "must be at most 10"),
        },
        { error: "must be { mean, sd } or null" },
      )
      .strict()
      .nullable()
      .optional(),
  })
  .strict()
  .refine((s) => Object.keys(s).length > 0, {
    message: "send at least one of autoWinner, test, nStar, correction, prior",
  });
export type ExperimentSettingsInput = z.input<typeof ZExperimentSettings>;

export interface ExperimentSettings extends AnalysisSettings {
  autoWinner: AutoWinnerMode;
}

export function settingsOf(row: { autoWinner: string; settings: unknown } | null): ExperimentSettings {
  const stored = (row?.settings ?? {}) as Partial<AnalysisSettings>;
  const mode = AUTO_WINNER_MODES.includes(row?.autoWinner as AutoWinnerMode)
    ? (row!.autoWinner as AutoWinnerMode)
    : "off";
  return {
    autoWinner: mode,
    test: stored.test === "fixed" || stored.test === "sequential" ? stored.test : DEFAULT_ANALYSIS_SETTINGS.test,
    alpha:
      typeof stored.alpha === "number" && stored.alpha > 0 && stored.alpha < 1
        ? stored.alpha
        : DEFAULT_ANALYSIS_SETTINGS.alpha,
    nStar: typeof stored.nStar === "number" && stored.nStar > 0 ? stored.nStar : DEFAULT_ANALYSIS_SETTINGS.nStar,
    correction: CORRECTIONS.includes(stored.correction as Correction)
      ? (stored.correction as Correction)
      : DEFAULT_ANALYSIS_SETTINGS.correction,
    prior: validPrior(stored.prior) ? { mean: stored.prior.mean, sd: stored.prior.sd } : null,
  };
}

function validPrior(prior: unknown): prior is LiftPrior {
  const p = prior as LiftPrior | null | undefined;
  return Boolean(p) && typeof p === "object" && Number.isFinite(p!.mean) && Number.isFinite(p!.sd) && p!.sd > 0;
}
