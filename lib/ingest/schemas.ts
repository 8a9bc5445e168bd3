import { z } from "zod";

/**
 * The Segment HTTP API's message shapes (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/).
 * One schema per message type, shared by the single-message endpoints and /batch. Unknown top-level
 * fields are kept out (Segment ignores them too); properties, traits and context are free-form objects.
 */
const ZId = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(255, "has at most 255 characters");

/**
 * A person's or group's id (userId, anonymousId, groupId, previousId): a string, or a number as Segment's API
 * allows (`12345` is stored as "12345", the same person as the string form). A finite non-integer is stored as
 * JavaScript writes it (shortest round-trip form: 12.50 → "12.5"). An integer beyond ±(2^53 − 1) is refused:
 * JSON.parse has already rounded it, so two different ids could become one person; send such ids as strings.
 */
export function idFromNumber(value: number): string | undefined {
  return Number.isSafeInteger(value) || (Number.isFinite(value) && !Number.isInteger(value))
    ? String(value)
    : undefined;
}
const ZPersonId = z.preprocess(
  (value) => (typeof value === "number" ? (idFromNumber(value) ?? value) : value),
  z
    .string({
      error: (issue) =>
        typeof issue.input === "number"
          ? "is a number too large to keep exactly (beyond 2^53); send this id as a string"
          : "must be a string or a number",
    })
    .trim()
    .min(1, "must not be empty")
    .max(255, "has at most 255 characters"),
);
const ZObject = z.record(z.string(), z.unknown(), { error: "must be a JSON object" });
const ZTimestamp = z
  .string({ error: "must be an ISO 8601 date-time string" })
  .refine(
    (value) => !Number.isNaN(Date.parse(value)),
    "is not a date-time this API can parse (use ISO 8601, e.g. 2026-11-22T09:30:00Z)",
  );

const common = {
  messageId: ZId.optional(),
  userId: ZPersonId.nullish(),
  anonymousId: ZPersonId.nullish(),
  context: ZObject.optional(),
  integrations: ZObject.optional(),
  timestamp: ZTimestamp.optional(),
  sentAt: ZTimestamp.optional(),
};

function requireIdentity<T extends { userId?: string | null; anonymousId?: string | null }>(
  message: T,
  ctx: z.RefinementCtx,
) {
  if (!message.userId && !message.anonymousId) {
    ctx.addIssue({ code: "custom", path: ["userId"], message: "a message needs a userId or an anonymousId" });
  }
}

export const ZTrack = z
  .object({ ...common, type: z.literal("track"), event: ZId, properties: ZObject.optional() })
  .superRefine(requireIdentity);
export const ZIdentify = z
  .object({ ...common, type: z.literal("identify"), traits: ZObject.optional() })
  .superRefine(requireIdentity);
export const ZPage = z
  .object({
    ...common,
    type: z.literal("page"),
    name: z.string().max(255).optional(),
    category: z.string().max(255).optional(),
    properties: ZObject.optional(),
  })
  .superRefine(requireIdentity);
export const ZScreen = z
  .object({
    ...common,
    type: z.literal("screen"),
    name: z.string().max(255).optional(),
    category: z.string().max(255).optional(),
    properties: ZObject.optional(),
  })
  .superRefine(requireIdentity);
export const ZGroup = z
  .object({ ...common, type: z.literal("group"), groupId: ZPersonId, traits: ZObject.optional() })
  .superRefine(requireIdentity);
// alias: previousId is the person's earlier id (an anonymousId or an old userId); userId is required.
export const ZAlias = z.object({ ...common, type: z.literal("alias"), previousId: ZPersonId, userId: ZPersonId });

export const MESSAGE_SCHEMAS = {
  track: ZTrack,
  identify: ZIdentify,
  page: ZPage,
  screen: ZScreen,
  group: ZGroup,
  alias: ZAlias,
} as const;
export type MessageType = keyof typeof MESSAGE_SCHEMAS;
export const MESSAGE_TYPES = Object.keys(MESSAGE_SCHEMAS) as MessageType[];

export type TSegmentMessage = z.output<(typeof MESSAGE_SCHEMAS)[MessageType]>;

/** /batch's envelope. Top-level context/integrations apply to every message that lacks its own. */
export const ZBatchEnvelope = z.object({
  batch: z.array(z.unknown(), { error: "must be an array of messages" }),
  context: ZObject.optional(),
  integrations: ZObject.optional(),
  sentAt: ZTimestamp.optional(),
});
