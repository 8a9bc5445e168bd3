import { z } from "zod";
import { CHANNELS, TEMPLATE_KINDS } from "../liquid";

/** The input schemas of the template operations (create, save, rename, preview). */

export const ZChannel = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` });
export const ZTemplateKind = z.enum(TEMPLATE_KINDS, { error: `must be one of ${TEMPLATE_KINDS.join(", ")}` });
/** A partial is included by its name, so the name must be one Liquid can spell in quotes. */
export const PARTIAL_NAME = /^[a-z0-9][a-z0-9_-]{0,59}$/;
export const PARTIAL_NAME_RULE =
  "A partial's name is how templates include it ({% render 'footer' %}): lower-case letters, digits, - and _, e.g. footer";
export const ZTemplateName = z
  .string({ error: "Name the template" })
  .trim()
  .min(1, "Name the template")
  .max(120, "A template name has at most 120 characters");
export const ZCreateTemplate = z
  .object({ name: ZTemplateName, channel: ZTemplateKind, content: z.unknown().optional() })
  .strict()
  .refine((t) => t.channel !== "partial" || PARTIAL_NAME.test(t.name), { message: PARTIAL_NAME_RULE, path: ["name"] });
export const ZSaveTemplate = z
  .object({
    content: z.unknown(),
    /** the editor says AI-drafted text is in the content: the version then waits for approval (lib/approvals) */
    aiDrafted: z.boolean({ error: "must be true or false" }).optional(),
  })
  .strict();
export const ZRenameTemplate = z.object({ name: ZTemplateName }).strict();
/** The most a typed event's properties may be, as JSON text: a preview renders them, it is not an import. */
export const MAX_PREVIEW_EVENT_BYTES = 32 * 1024;
/**
 * The event a preview or test send renders `event.*` with, instead of the sample order: a stored event of this
 * workspace (`stored`, by id, e.g. one of the picked person's), the newest event of a catalog name
 * (`catalog`), or properties typed as JSON text (`json`, parsed by previewEvent so a parse error names the field).
 */
export const ZPreviewEvent = z.discriminatedUnion(
  "source",
  [
    z.object({ source: z.literal("stored"), id: z.string().regex(/^\d{1,18}$/, "must be an event id") }).strict(),
    z.object({ source: z.literal("catalog"), name: z.string().trim().min(1, "Choose an event").max(200) }).strict(),
    z
      .object({
        source: z.literal("json"),
        name: z.string().trim().max(200).optional(),
        properties: z
          .string()
          .refine(
            (text) => Buffer.byteLength(text, "utf8") <= MAX_PREVIEW_EVENT_BYTES,
            `must be at most ${MAX_PREVIEW_EVENT_BYTES / 1024} KB of JSON`,
          ),
      })
      .strict(),
  ],
  { error: "must say where the event comes from: stored, catalog or json" },
);
export type PreviewEventInput = z.output<typeof ZPreviewEvent>;

export const ZPreviewTemplate = z
  .object({
    channel: ZTemplateKind,
    content: z.record(z.string(), z.unknown()),
    /** a profile id, userId or anonymousId; omitted or null: the built-in sample profile */
    profileId: z.string().trim().min(1).max(200).nullish(),
    /** omitted or null: the sample event */
    event: ZPreviewEvent.nullish(),
    /** render this locale's translation (lib/content/locales); omitted or null: the profile's own locale */
    locale: z.string().trim().max(64, "At most 64 characters").nullish(),
  })
  .strict();
