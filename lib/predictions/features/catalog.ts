import type { FeatureSpec } from "../types";

/**
 * The features a prediction can learn from, as structured definitions. A definition's `name` (FeatureSpec.name,
 * stored in the model's artifact) is enough to rebuild it: scoring reads the artifact's names back with
 * `parseFeature` and computes exactly the features the model was trained on, in the same order.
 *
 * All event and message features look back at most 90 days from the cut-off (recency is capped at 90 days), so
 * one scan of a bounded window computes them all.
 */

export const WINDOW_DAYS = 90;
export const RECENCY_CAP_DAYS = 90;
export const SEEN_CAP_DAYS = 3650;
export const CHANNELS = ["email", "sms", "push", "in_app"] as const;
export const ENGAGEMENTS = ["opened", "clicked", "unsubscribed"] as const;
export const EVENT_MEASURES = ["count_7d", "count_30d", "count_90d", "days_since_last"] as const;

export type EventMeasure = (typeof EVENT_MEASURES)[number];
export type Channel = (typeof CHANNELS)[number];
export type Engagement = (typeof ENGAGEMENTS)[number];

export type FeatureDef =
  | { kind: "event"; eventName: string; measure: EventMeasure }
  | { kind: "all"; measure: "count_30d" | "count_90d" | "days_since_last" | "trend_30d" }
  | { kind: "monetary_90d" }
  | { kind: "days_since_first_seen" }
  | { kind: "message"; channel: Channel; engagement: Engagement }
  | { kind: "trait_number"; trait: string }
  | { kind: "trait_value"; trait: string; value: string }
  | { kind: "has_timezone" }
  | { kind: "has_locale" };

export function featureName(f: FeatureDef): string {
  switch (f.kind) {
    case "event":
      return `events.${f.eventName}.${f.measure}`;
    case "all":
      return `all.${f.measure}`;
    case "message":
      return `messages.${f.channel}.${f.engagement}_90d`;
    case "trait_number":
      return `trait.${f.trait}`;
    case "trait_value":
      return `trait.${f.trait}=${f.value}`;
    default:
      return f.kind;
  }
}

/** The inverse of featureName (an artifact's names back to definitions); throws on a name it never wrote. */
export function parseFeature(name: string): FeatureDef {
  if (name === "monetary_90d" || name === "days_since_first_seen" || name === "has_timezone" || name === "has_locale")
    return { kind: name };
  if (name.startsWith("events.")) {
    const dot = name.lastIndexOf(".");
    const measure = name.slice(dot + 1) as EventMeasure;
    if (dot > 7 && EVENT_MEASURES.includes(measure)) return { kind: "event", eventName: name.slice(7, dot), measure };
  }
  if (name.startsWith("all.")) {
    const measure = name.slice(4);
    if (measure === "count_30d" || measure === "count_90d" || measure === "days_since_last" || measure === "trend_30d")
      return { kind: "all", measure };
  }
  if (name.startsWith("messages.")) {
    const [channel, what] = name.slice(9).split(".");
    const engagement = what?.replace(/_90d$/, "") as Engagement;
    if (CHANNELS.includes(channel as Channel) && ENGAGEMENTS.includes(engagement))
      return { kind: "message", channel: channel as Channel, engagement };
  }
  if (name.startsWith("trait.")) {
    const rest = name.slice(6);
    const eq = rest.indexOf("=");
    return eq < 0
      ? { kind: "trait_number", trait: rest }
      : { kind: "trait_value", trait: rest.slice(0, eq), value: rest.slice(eq + 1) };
  }
  throw new Error(`Unknown prediction feature "${name}".`);
}

/**
 * Counts and money are heavy-tailed, and what recency tells fades fast in the first days then barely moves: these
 * are learned on log1p (a linear model then bends the right way). Trends, ages and traits as they are.
 */
export function transformOf(f: FeatureDef): FeatureSpec["transform"] {
  if (f.kind === "event") return "log1p";
  if (f.kind === "all") return f.measure === "trend_30d" ? "identity" : "log1p";
  if (f.kind === "monetary_90d" || f.kind === "message") return "log1p";
  return "identity";
}

/** What the profile page shows for the feature. */
export function featureLabel(f: FeatureDef): string {
  const window = (m: string) => m.replace("count_", "").replace("d", " days");
  switch (f.kind) {
    case "event":
      return f.measure === "days_since_last"
        ? `Days since last ${f.eventName}`
        : `${f.eventName} in the last ${window(f.measure)}`;
    case "all":
      if (f.measure === "days_since_last") return "Days since last activity";
      if (f.measure === "trend_30d") return "Activity trend (last 30 days vs the 30 before)";
      return `Events in the last ${window(f.measure)}`;
    case "monetary_90d":
      return "Money spent in the last 90 days";
    case "days_since_first_seen":
      return "Days since first seen";
    case "message":
      return `${f.channel.replace("_", "-")} messages ${f.engagement} in the last 90 days`;
    case "trait_number":
      return `Trait ${f.trait}`;
    case "trait_value":
      return `Trait ${f.trait} is ${f.value}`;
    case "has_timezone":
      return "Has a time zone";
    case "has_locale":
      return "Has a locale";
  }
}
