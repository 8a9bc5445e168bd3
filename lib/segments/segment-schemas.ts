import { z } from "zod";
import { ZSegmentDefinition } from "./definition";

/**
 * What the app and the API send to change or query segments. A definition's own problems are reported by
 * ZSegmentDefinition as `definition.<path>`; references to other segments are checked against the workspace
 * afterwards (check-references.ts).
 */

export const SEGMENT_KINDS = ["dynamic", "manual"] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

const ZName = z
  .string({ error: "Name the segment" })
  .trim()
  .min(1, "Name the segment")
  .max(120, "A segment name has at most 120 characters");
const ZDescription = z.string().trim().max(2000, "at most 2,000 characters");

export const ZCreateSegment = z
  .object({
    name: ZName,
    description: ZDescription.default(""),
    kind: z.enum(SEGMENT_KINDS, { error: "must be dynamic or manual" }).default("dynamic"),
    definition: ZSegmentDefinition.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === "dynamic" && !s.definition)
      ctx.addIssue({ code: "custom", path: ["definition"], message: "is required for a dynamic segment" });
    if (s.kind === "manual" && s.definition)
      ctx.addIssue({
        code: "custom",
        path: ["definition"],
        message: "must be left out for a manual segment (upload its members as a CSV of user ids)",
      });
  });

export const ZUpdateSegment = z
  .object({ name: ZName.optional(), description: ZDescription.optional(), definition: ZSegmentDefinition.optional() })
  .strict();

export const ZEstimateSegment = z
  .object({
    definition: ZSegmentDefinition,
    /** the segment being edited, if any: a definition that refers back to it is refused */
    segmentId: z.uuid("must be a segment id").optional(),
  })
  .strict();

export const ZMembersQuery = z.object({
  q: z.string().trim().max(200, "at most 200 characters").optional(),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(200, "must be at most 200")
    .default(50),
  /** nextCursor of the previous page */
  cursor: z.string().max(200).optional(),
});

export const ZUploadMode = z.enum(["replace", "append"], {
  error: "say how to apply the list: ?mode=replace (the list becomes the members) or ?mode=append (add to them)",
});
