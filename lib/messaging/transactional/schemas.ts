import { normalizeLocale } from "../../content/locales/locale-chain";
import { z } from "zod";
import { ZTopicKey } from "../../topics/schemas";
import { CHANNELS } from "../liquid";

/**
 * The body of POST /api/v1/send (one schema for the route, the OpenAPI document and sendTransactional). What the
 * schema cannot know (the template, the person, the rendered content) sendTransactional checks before storing.
 */

/** The most `data` may be, as JSON text: what a receipt or a reset link needs, not a document store. */
export const MAX_DATA_BYTES = 32 * 1024;
/** An idempotency key: Stripe's limit, printable ASCII so it can also travel in the Idempotency-Key header. */
export const ZIdempotencyKey = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(255, "has at most 255 characters")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

const ZEmailAddress = z
  .string({ error: "must be an email address" })
  .trim()
  .max(320, "has at most 320 characters")
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an email address, e.g. ada@example.com");
// E.164: what SMS providers need; guessing a country code could text a stranger
const ZPhone = z
  .string({ error: "must be a phone number" })
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, "must be in international form (E.164): + and the country code, e.g. +15551234567");

export const ZSendTo = z.union(
  [
    z.object({ userId: z.string().trim().min(1, "must not be empty").max(255) }).strict(),
    z.object({ email: ZEmailAddress }).strict(),
    z.object({ phone: ZPhone }).strict(),
  ],
  { error: "must be exactly one of { userId }, { email } or { phone }" },
);

export const ZSendMessage = z
  .object({
    templateId: z.string().trim().min(1, "must not be empty").optional(),
    /** inline content instead of a template: the channel's fields, checked like a template's */
    content: z.record(z.string(), z.unknown(), { error: "must be an object of the channel's fields" }).optional(),
    /** required with `content`; with `templateId`, a check that the template is of this channel */
    channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` }).optional(),
    to: ZSendTo,
    /** what the content reads as `{{ data.<name> }}` */
    data: z
      .record(z.string(), z.unknown(), { error: "must be an object" })
      .default({})
      .refine((data) => Buffer.byteLength(JSON.stringify(data)) <= MAX_DATA_BYTES, {
        message: `is larger than ${MAX_DATA_BYTES / 1024} KB as JSON`,
      }),
    /**
     * the subscription topic it belongs to (its key): a person who left the topic is not sent it (the message is
     * stored and answered 202, then suppressed by delivery), and the message carries an unsubscribe from the topic
     */
    topic: ZTopicKey.optional(),
    /**
     * the language to send in when the person has no `locale` trait (like an event's context.locale), e.g. the
     * language of the page the request came from; an address of no profile has only this
     */
    locale: z
      .string()
      .trim()
      .max(64, "has at most 64 characters")
      .refine((tag) => normalizeLocale(tag) !== null, "is not a language tag, e.g. de or pt-BR")
      .optional(),
    /** or the Idempotency-Key header */
    idempotencyKey: ZIdempotencyKey.optional(),
  })
  .strict()
  .superRefine((body, issues) => {
    if (body.templateId === undefined && body.content === undefined)
      issues.addIssue({ code: "custom", path: ["templateId"], message: "Give a templateId or inline content" });
    if (body.templateId !== undefined && body.content !== undefined)
      issues.addIssue({ code: "custom", path: ["content"], message: "Give a templateId or inline content, not both" });
    if (body.content !== undefined && body.channel === undefined)
      issues.addIssue({ code: "custom", path: ["channel"], message: "Say which channel the inline content is for" });
  });
export type TSendMessage = z.output<typeof ZSendMessage>;

/** The answer to a send: the message's id at once; `replayed` when an earlier request with the same key made it. */
export interface SendResponse {
  id: string;
  status: string;
  replayed?: true;
}
