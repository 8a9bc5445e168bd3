import { z } from "zod";
import { ZTemplateUpdateJourneyQuery } from "@/lib/api/queries";
import { withWorkspace } from "@/lib/http/handler";
import { previewTemplateUpdate, updateJourneyToTemplate } from "@/lib/messaging/template-usage";

const ZUpdateJourney = z
  .object({
    journeyId: z.string({ error: "Name the journey to update" }).trim().min(1, "Name the journey to update").max(100),
  })
  .strict();

/** ?journeyId=: the diff of publishing that live journey again with this template's newest version. */
export const GET = withWorkspace(
  { permission: "workspace:read", auth: "session", query: ZTemplateUpdateJourneyQuery },
  (ctx, { params, query }) => previewTemplateUpdate(ctx, params.id, query.journeyId),
);
/** { journeyId }: publishes that live journey again (a new version, audited), now sending this template's newest version. */
export const POST = withWorkspace(
  { permission: "content:write", auth: "session", body: ZUpdateJourney },
  (ctx, { params, body }) => updateJourneyToTemplate(ctx, params.id, body.journeyId),
);
