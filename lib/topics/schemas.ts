import { z } from "zod";

/**
 * The boundaries of subscription topics (lib/topics): a topic's settings, and a person's choice. One schema per
 * boundary, shared by the routes, the OpenAPI document and the domain functions.
 */

/** At most this many topics that are not archived, per workspace: a preference page lists them all. */
export const MAX_LIVE_TOPICS = 50;

export const TOPIC_CATEGORIES = ["marketing", "transactional"] as const;
export type TopicCategory = (typeof TOPIC_CATEGORIES)[number];
export const TOPIC_STATUSES = ["subscribed", "unsubscribed"] as const;
export type TopicStatus = (typeof TOPIC_STATUSES)[number];

export const ZTopicKey = z
  .string({ error: "must be a string" })
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    "must be 1 to 64 lowercase letters, digits, - or _, starting with a letter or digit, e.g. order-updates",
  );

const ZName = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(80, "has at most 80 characters");
const ZDescription = z.string({ error: "must be a string" }).trim().max(500, "has at most 500 characters");
const ZCategory = z.enum(TOPIC_CATEGORIES, { error: "must be marketing or transactional" });
const ZDefaultStatus = z.enum(TOPIC_STATUSES, {
  error: "must be subscribed (everyone until they leave) or unsubscribed (only who opts in)",
});

export const ZCreateTopic = z
  .object({
    key: ZTopicKey,
    name: ZName,
    description: ZDescription.default(""),
    category: ZCategory,
    defaultStatus: ZDefaultStatus.default("subscribed"),
  })
  .strict();
export type TCreateTopic = z.output<typeof ZCreateTopic>;

/**
 * What can change: not the key (the API's callers and sent messages' links name it) nor the category (people's
 * choices were made knowing whether it was marketing).
 */
export const ZUpdateTopic = z
  .object({ name: ZName.optional(), description: ZDescription.optional(), defaultStatus: ZDefaultStatus.optional() })
  .strict();
export type TUpdateTopic = z.output<typeof ZUpdateTopic>;

export const ZSetTopicSubscription = z
  .object({ status: z.enum(TOPIC_STATUSES, { error: "must be subscribed or unsubscribed" }) })
  .strict();

/** Where a person's choice came from (TopicSubscription.source). */
export type TopicChoiceSource = "preference_page" | "unsubscribe_link" | "list_unsubscribe" | "api" | "dashboard";
