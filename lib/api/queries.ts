import { z } from "zod";
import { JOURNEY_STATUSES } from "../journeys/schemas";
import { ZTemplateKind } from "../messaging/templates/schemas";

/**
 * Query-string schemas of the routes whose domain function does not own one (the others pass the domain's own:
 * ZMembersQuery, ZDashboardQuery, ZEventPage, ZLiveQuery, ZRejectedEventsQuery, ZAuditLogQuery). A query string
 * arrives as `{ name: "text" }`; unknown names are ignored, so a cache-busting `?_=…` never fails a request.
 */

/** `?archived=true` (anything else, or nothing, is false: what the pages send today). */
const ZFlag = z
  .string()
  .optional()
  .transform((value) => value === "true");

export const ZJourneyListQuery = z.object({
  q: z.string().optional(),
  status: z.enum(JOURNEY_STATUSES, { error: `must be one of ${JOURNEY_STATUSES.join(", ")}` }).optional(),
});

export const ZTemplateListQuery = z.object({
  channel: ZTemplateKind.optional(),
  q: z.string().optional(),
  archived: ZFlag,
});

export const ZSegmentListQuery = z.object({
  q: z.string().optional(),
  archived: ZFlag,
  /** A profile (id, userId or anonymousId): answers that person's segments instead of the list. */
  profileId: z.string().max(200, "at most 200 characters").optional(),
});

export const ZSegmentQuery = z.object({
  days: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(365, "must be at most 365")
    .optional(),
});

export const ZMemberUploadQuery = z.object({
  /** For a CSV body; a JSON body names its mode itself. */
  mode: z.string().optional(),
});

export const ZProfileSearchQuery = z.object({ q: z.string().optional() });

export const ZPreviewEventsQuery = z.object({ profileId: z.string().optional() });

export const ZTemplateUpdateJourneyQuery = z.object({
  journeyId: z.string({ error: "Name the journey to update" }).min(1, "Name the journey to update"),
});

export const ZTwilioStatusQuery = z.object({ workspace: z.string().optional() });
