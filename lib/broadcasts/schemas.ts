import { z } from "zod";
import { isValidTimeZone } from "../engine/time";

/**
 * What the app and the API send to draft, schedule and control a broadcast (lib/broadcasts). One schema per
 * boundary: ZBroadcastDraft for create and update (every field of a draft), ZScheduleBroadcast for "send now",
 * "send at" and "send at a local time". Issues name the field (`variants.1.weight`), so a form can show them.
 */

export const BROADCAST_CHANNELS = ["email", "sms", "push", "in_app", "webhook"] as const;
export type BroadcastChannel = (typeof BROADCAST_CHANNELS)[number];

export const BROADCAST_STATUSES = ["DRAFT", "SCHEDULED", "SENDING", "PAUSED", "SENT", "CANCELLED"] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

export const WINNER_METRICS = ["open", "click", "conversion"] as const;
export type WinnerMetric = (typeof WINNER_METRICS)[number];

/** Limits: a broadcast is one send, not a catalog of them. */
export const MAX_VARIANTS = 8;
export const MAX_SEGMENTS = 20;
export const MAX_THROTTLE_PER_MINUTE = 1_000_000;

const ZName = z
  .string({ error: "Name the broadcast" })
  .trim()
  .min(1, "Name the broadcast")
  .max(120, "A broadcast name has at most 120 characters");

export const ZBroadcastVariant = z
  .object({
    /** "A", "B", …: short, stable, shown in results and stored on each message */
    key: z
      .string({ error: "Give the variant a key" })
      .regex(/^[A-Za-z0-9_-]{1,20}$/, "letters, digits, - and _, at most 20"),
    name: z.string().trim().max(80, "at most 80 characters").default(""),
    templateId: z.uuid("Choose a template"),
    /** percent of the people who get a message (not of the holdout) */
    weight: z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(100, "must be at most 100"),
  })
  .strict();
export type BroadcastVariant = z.infer<typeof ZBroadcastVariant>;

/**
 * A webhook broadcast's request (lib/broadcasts/send/webhook-send.ts): where each person's message goes, with which
 * method and fixed headers; the body is the variant's webhook template. Headers are stored and shown as journey
 * webhook steps' are (the workspace's own settings); Host and the connection's own headers are refused, since the
 * outbound guard would drop them. A literal private or loopback address is refused at save, on the server
 * (check-broadcast-references.ts: the outbound guard is server code).
 */
export const WEBHOOK_METHODS = ["POST", "PUT", "PATCH"] as const;
export const MAX_WEBHOOK_HEADERS = 20;
const WEBHOOK_HEADER_NAME = /^[A-Za-z0-9!#$%&'*+^_`|~-]{1,100}$/;
/** the outbound guard's dropped headers (lib/security/outbound.ts), refused here so no one saves what is never sent */
const REFUSED_WEBHOOK_HEADERS =
  /^(host|connection|keep-alive|transfer-encoding|te|trailer|upgrade|content-length|proxy-.*)$/i;
export const ZBroadcastWebhook = z
  .object({
    url: z
      .string({ error: "Give the URL the requests go to" })
      .trim()
      .max(2000, "A URL has at most 2,000 characters")
      .pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
    method: z.enum(WEBHOOK_METHODS, { error: "must be POST, PUT or PATCH" }).default("POST"),
    headers: z
      .record(
        z
          .string()
          .regex(WEBHOOK_HEADER_NAME, "A header name has letters, digits and - (no spaces or colons), e.g. X-Api-Key")
          .refine((name) => !REFUSED_WEBHOOK_HEADERS.test(name), "is set by the connection itself and cannot be given"),
        z
          .string()
          .max(8_000, "At most 8,000 characters")
          .refine((value) => !/[\r\n\0]/.test(value), "A header value has no line breaks"),
      )
      .refine((h) => Object.keys(h).length <= MAX_WEBHOOK_HEADERS, `At most ${MAX_WEBHOOK_HEADERS} headers`)
      .default({}),
  })
  .strict();
export type BroadcastWebhook = z.output<typeof ZBroadcastWebhook>;

const ZSegmentIds = z
  .array(z.uuid("must be a segment id"))
  .max(MAX_SEGMENTS, `at most ${MAX_SEGMENTS} segments`)
  .refine((ids) => new Set(ids).size === ids.length, "lists a segment twice");

/** Every field of a draft. Create requires name, channel and variants; update takes any of them. */
const draftFields = {
  name: ZName,
  channel: z.enum(BROADCAST_CHANNELS, { error: "must be email, sms, push, in_app or webhook" }),
  /** webhook broadcasts only: the request each person's message makes */
  webhook: ZBroadcastWebhook.nullable(),
  /** the subscription topic (lib/topics): who left it is not sent the broadcast; its unsubscribe link leaves it */
  topicId: z.uuid({ error: "must be a subscription topic's id" }).nullable(),
  segmentIds: ZSegmentIds,
  excludedSegmentIds: ZSegmentIds,
  variants: z
    .array(ZBroadcastVariant)
    .min(1, "Add a variant with a template")
    .max(MAX_VARIANTS, `at most ${MAX_VARIANTS} variants`),
  holdoutPercent: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be at least 0")
    .max(50, "at most 50% can be held out"),
  /** winner after test: null turns it off */
  testPercent: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(90, "must be at most 90")
    .nullable(),
  winnerAfterHours: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1 hour")
    .max(168, "must be at most 168 hours (7 days)")
    .nullable(),
  winnerMetric: z.enum(WINNER_METRICS, { error: "must be open, click or conversion" }).nullable(),
  throttlePerMinute: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(MAX_THROTTLE_PER_MINUTE, `must be at most ${MAX_THROTTLE_PER_MINUTE.toLocaleString("en")}`)
    .nullable(),
  conversionEvent: z.string().trim().min(1, "Name the event").max(200, "at most 200 characters").nullable(),
  conversionWindowHours: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1 hour")
    .max(720, "must be at most 720 hours (30 days)"),
};

/** The checks that span fields, shared by create and by update (on the merged draft). */
export function checkDraft(
  d: Partial<{ [K in keyof typeof draftFields]: z.infer<(typeof draftFields)[K]> }>,
  ctx: z.RefinementCtx,
): void {
  if (d.channel === "webhook" && d.webhook == null)
    ctx.addIssue({ code: "custom", path: ["webhook", "url"], message: "Give the URL the requests go to" });
  if (d.channel !== undefined && d.channel !== "webhook" && d.webhook != null)
    ctx.addIssue({
      code: "custom",
      path: ["webhook"],
      message: `is only for webhook broadcasts; this one sends ${d.channel}`,
    });
  // a webhook is not a person's channel: nothing about it asks people's choices, so a topic would do nothing
  if (d.channel === "webhook" && d.topicId != null)
    ctx.addIssue({
      code: "custom",
      path: ["topicId"],
      message: "a webhook broadcast has no subscription topic: it is not sent to a person's inbox",
    });
  if (d.channel === "webhook" && (d.winnerMetric === "open" || d.winnerMetric === "click"))
    ctx.addIssue({
      code: "custom",
      path: ["winnerMetric"],
      message: "a webhook has no opens or clicks: choose the winner by conversions",
    });
  if (d.variants) {
    const total = d.variants.reduce((sum, v) => sum + v.weight, 0);
    if (total !== 100)
      ctx.addIssue({ code: "custom", path: ["variants"], message: `weights add up to ${total}, not 100` });
    const keys = d.variants.map((v) => v.key);
    keys.forEach((key, i) => {
      if (keys.indexOf(key) !== i)
        ctx.addIssue({ code: "custom", path: ["variants", i, "key"], message: `"${key}" is used twice` });
    });
  }
  const excluded = new Set(d.excludedSegmentIds ?? []);
  (d.segmentIds ?? []).forEach((id, i) => {
    if (excluded.has(id))
      ctx.addIssue({ code: "custom", path: ["segmentIds", i], message: "is both included and excluded" });
  });
  const test = d.testPercent != null;
  if (test && (d.variants?.length ?? 0) < 2)
    ctx.addIssue({ code: "custom", path: ["testPercent"], message: "a winner test needs at least two variants" });
  if (test && d.winnerAfterHours == null)
    ctx.addIssue({ code: "custom", path: ["winnerAfterHours"], message: "say how long the test runs" });
  if (test && d.winnerMetric == null)
    ctx.addIssue({ code: "custom", path: ["winnerMetric"], message: "say how the winner is chosen" });
  if (d.winnerMetric === "conversion" && !d.conversionEvent)
    ctx.addIssue({
      code: "custom",
      path: ["conversionEvent"],
      message: "name the conversion event the winner is chosen on",
    });
}

export const ZCreateBroadcast = z
  .object({
    name: draftFields.name,
    channel: draftFields.channel,
    webhook: draftFields.webhook.default(null),
    topicId: draftFields.topicId.default(null),
    segmentIds: draftFields.segmentIds.default([]),
    excludedSegmentIds: draftFields.excludedSegmentIds.default([]),
    variants: draftFields.variants,
    holdoutPercent: draftFields.holdoutPercent.default(0),
    testPercent: draftFields.testPercent.default(null),
    winnerAfterHours: draftFields.winnerAfterHours.default(null),
    winnerMetric: draftFields.winnerMetric.default(null),
    throttlePerMinute: draftFields.throttlePerMinute.default(null),
    conversionEvent: draftFields.conversionEvent.default(null),
    conversionWindowHours: draftFields.conversionWindowHours.default(72),
  })
  .strict()
  .superRefine(checkDraft);
export type CreateBroadcast = z.infer<typeof ZCreateBroadcast>;

/** A draft's changes; the merged draft is checked again with checkDraft (update-broadcast.ts). */
export const ZUpdateBroadcast = z
  .object({
    name: draftFields.name.optional(),
    webhook: draftFields.webhook.optional(),
    topicId: draftFields.topicId.optional(),
    segmentIds: draftFields.segmentIds.optional(),
    excludedSegmentIds: draftFields.excludedSegmentIds.optional(),
    variants: draftFields.variants.optional(),
    holdoutPercent: draftFields.holdoutPercent.optional(),
    testPercent: draftFields.testPercent.optional(),
    winnerAfterHours: draftFields.winnerAfterHours.optional(),
    winnerMetric: draftFields.winnerMetric.optional(),
    throttlePerMinute: draftFields.throttlePerMinute.optional(),
    conversionEvent: draftFields.conversionEvent.optional(),
    conversionWindowHours: draftFields.conversionWindowHours.optional(),
  })
  .strict();
export type UpdateBroadcast = z.infer<typeof ZUpdateBroadcast>;

const ZLocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD");
const ZLocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time, HH:mm (24-hour)");

/**
 * When to send: now; at a moment (an ISO instant, or a local date and time in the workspace's zone); or at a
 * local date and time in each recipient's zone (the workspace's zone for people whose zone is unknown).
 */
export const ZScheduleBroadcast = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("now") }).strict(),
    z
      .object({
        kind: z.literal("at"),
        /** an instant with its offset, e.g. 2026-12-10T09:00:00+01:00 */
        sendAt: z.iso.datetime({ offset: true, error: "must be a date and time with its offset (ISO 8601)" }),
      })
      .strict(),
    z.object({ kind: z.literal("local"), localDate: ZLocalDate, localTime: ZLocalTime }).strict(),
  ],
  { error: 'must be { kind: "now" }, { kind: "at", sendAt } or { kind: "local", localDate, localTime }' },
);
export type ScheduleBroadcast = z.infer<typeof ZScheduleBroadcast>;

/** What the confirmation dialog sends: the count the person saw, so a changed audience asks again. */
export const ZSendBroadcast = z
  .object({
    schedule: ZScheduleBroadcast,
    /** the audience count the confirmation showed; refused (409) when the audience moved by more than 5 % */
    confirmedAudience: z.number().int().min(0).optional(),
  })
  .strict();
export type SendBroadcast = z.infer<typeof ZSendBroadcast>;

export const ZTestSendBroadcast = z
  .object({
    /** the variant to send (default: the first) */
    variant: z.string().max(20).optional(),
    /** the person whose profile renders the message */
    profileId: z.uuid("must be a profile id"),
    /** where to send it instead of the person's own address: an email (email), a phone (sms); at most 5 */
    to: z.array(z.string().trim().min(3).max(320)).min(1, "add an address").max(5, "at most 5 addresses").optional(),
  })
  .strict();

export const ZBroadcastListQuery = z.object({
  status: z.enum(BROADCAST_STATUSES, { error: `must be one of ${BROADCAST_STATUSES.join(", ")}` }).optional(),
  q: z.string().trim().max(200, "at most 200 characters").optional(),
});

export const ZWorkspaceTimeZone = z
  .string()
  .refine((zone) => isValidTimeZone(zone), "must be an IANA time zone such as Europe/Berlin");

/**
 * What the estimate counts: the saved draft with these changes laid over it ({} for the draft as saved), or, for a
 * broadcast not yet created, a whole audience (channel and segments). `schedule` adds the hour-by-hour split of a
 * local-time send.
 */
export const ZEstimateBroadcast = z
  .object({
    channel: draftFields.channel.optional(),
    topicId: draftFields.topicId.optional(),
    segmentIds: draftFields.segmentIds.optional(),
    excludedSegmentIds: draftFields.excludedSegmentIds.optional(),
    holdoutPercent: draftFields.holdoutPercent.optional(),
    schedule: ZScheduleBroadcast.optional(),
  })
  .strict();
export type EstimateBroadcast = z.infer<typeof ZEstimateBroadcast>;

/** A preview on real recipients: a person the marketer picks, or the first few of the audience. */
export const ZPreviewBroadcast = z
  .object({
    /** the variant to render (default: every variant) */
    variant: z.string().max(20).optional(),
    profileId: z.uuid("must be a profile id").optional(),
    /** how many of the audience, when no profile is picked */
    limit: z.number().int().min(1, "must be at least 1").max(5, "at most 5").default(3),
  })
  .strict();
export type PreviewBroadcast = z.infer<typeof ZPreviewBroadcast>;

/** The workspace's broadcast settings (Settings → General; admins only). */
export const ZBroadcastSettings = z
  .object({
    timezone: ZWorkspaceTimeZone.optional(),
    broadcastSendRole: z.enum(["EDITOR", "ADMIN", "OWNER"], { error: "must be EDITOR, ADMIN or OWNER" }).optional(),
  })
  .strict();
