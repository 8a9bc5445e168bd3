import { z } from "zod";
import { HORIZON_DAYS, type PredictionKind, ZChurnTarget, ZPredictionKey, ZPropensityTarget } from "./types";

/**
 * The boundary of a prediction's definition: the create and update bodies (the API, the OpenAPI document and the
 * create form use these), the key derived from a name, and the two built-in starting points. No server code here,
 * so the form can import it.
 */

export const RETRAIN_DAYS = { min: 1, max: 90, default: 7 } as const;

const ZName = z.string().trim().min(1, "Write a name").max(120, "has at most 120 characters");
const ZHorizon = z
  .number({ error: "must be a number of days" })
  .int("must be a whole number of days")
  .min(HORIZON_DAYS.min, `must be at least ${HORIZON_DAYS.min} day`)
  .max(HORIZON_DAYS.max, `must be at most ${HORIZON_DAYS.max} days`);
const ZRetrain = z
  .number({ error: "must be a number of days" })
  .int("must be a whole number of days")
  .min(RETRAIN_DAYS.min, `must be at least ${RETRAIN_DAYS.min} day`)
  .max(RETRAIN_DAYS.max, `must be at most ${RETRAIN_DAYS.max} days`);
/** null (or left out): everyone is scored */
const ZAudience = z.uuid({ error: "must be the id of a segment" }).nullable();

const common = {
  name: ZName,
  /** what Liquid and conditions name it by; derived from the name when left out */
  key: ZPredictionKey.optional(),
  horizonDays: ZHorizon,
  audienceSegmentId: ZAudience.optional(),
  retrainEveryDays: ZRetrain.default(RETRAIN_DAYS.default),
};

export const ZCreatePrediction = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("propensity"), target: ZPropensityTarget, ...common }).strict(),
    z.object({ kind: z.literal("churn"), target: ZChurnTarget, ...common }).strict(),
  ],
  { error: "must be propensity or churn" },
);
export type TCreatePrediction = z.input<typeof ZCreatePrediction>;

/**
 * A change of a prediction's definition. Its kind and key stay (templates and conditions name the key); the
 * target is checked against the prediction's kind by the domain, so its errors name `target.<field>`.
 */
export const ZUpdatePrediction = z
  .object({
    name: ZName.optional(),
    target: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
    horizonDays: ZHorizon.optional(),
    audienceSegmentId: ZAudience.optional(),
    retrainEveryDays: ZRetrain.optional(),
  })
  .strict();
export type TUpdatePrediction = z.input<typeof ZUpdatePrediction>;

export const ZPredictionListQuery = z
  .object({
    archived: z
      .enum(["true", "false"], { error: "must be true or false" })
      .optional()
      .transform((v) => v === "true"),
  })
  .strict();

export const targetSchemaOf = (kind: PredictionKind) => (kind === "churn" ? ZChurnTarget : ZPropensityTarget);

/** "Purchase in 14 days!" → "purchase_in_14_days"; null when the name has no letter to start a key with. */
export function deriveKey(name: string): string | null {
  const key = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .slice(0, 40)
    .replace(/_+$/, "");
  return key ? key : null;
}

/** The events a session shows as, in the order the churn starting point prefers them. */
export const SESSION_EVENTS = ["Session Started", "Page Viewed", "Screen Viewed"] as const;
export const PURCHASE_EVENT = "Order Completed";

export interface StartingPoint {
  id: "churn" | "purchase";
  title: string;
  /** the body it fills the form with (only when available) */
  definition: Extract<TCreatePrediction, { kind: "churn" }> | Extract<TCreatePrediction, { kind: "propensity" }>;
  available: boolean;
  /** why it is not offered, e.g. "no Order Completed event has been seen in this workspace" */
  unavailableBecause: string | null;
}

/**
 * The two built-in starting points, for a workspace whose catalog holds `seen`: churn (none of Order Completed and
 * its sessions in 30 days: Session Started if it sends one, else its page or screen views) and purchase in 14 days.
 */
export function startingPoints(seen: ReadonlySet<string>): StartingPoint[] {
  const sessions = seen.has("Session Started")
    ? ["Session Started"]
    : SESSION_EVENTS.filter((e) => e !== "Session Started" && seen.has(e));
  const churnEvents = [...(seen.has(PURCHASE_EVENT) ? [PURCHASE_EVENT] : []), ...sessions];
  return [
    {
      id: "churn",
      title: "Churn risk: no order or session in 30 days",
      definition: {
        kind: "churn",
        name: "Churn risk",
        key: "churn",
        target: { eventNames: churnEvents },
        horizonDays: 30,
      },
      available: churnEvents.length > 0,
      unavailableBecause: churnEvents.length
        ? null
        : `none of ${PURCHASE_EVENT}, Session Started, Page Viewed or Screen Viewed has been seen in this workspace`,
    },
    {
      id: "purchase",
      title: "Purchase in the next 14 days",
      definition: {
        kind: "propensity",
        name: "Purchase in 14 days",
        key: "purchase",
        target: { eventName: PURCHASE_EVENT, filters: [] },
        horizonDays: 14,
      },
      available: seen.has(PURCHASE_EVENT),
      unavailableBecause: seen.has(PURCHASE_EVENT)
        ? null
        : `no ${PURCHASE_EVENT} event has been seen in this workspace`,
    },
  ];
}
