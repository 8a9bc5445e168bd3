import { z } from "zod";
import { readBody, workspaceRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/errors";
import { previewTemplateUpdate, updateJourneyToTemplate } from "@/lib/messaging/template-usage";

type Params = { slug: string; id: string };

const ZUpdateJourney = z
  .object({
    journeyId: z.string({ error: "Name the journey to update" }).trim().min(1, "Name the journey to update").max(100),
  })
  .strict();

/** ?journeyId=: the diff of publishing that live journey again with this template's newest version. */
export const GET = workspaceRoute<Params>("workspace:read", (ctx, request, { id }) => {
  const journeyId = new URL(request.url).searchParams.get("journeyId");
  if (!journeyId) throw AppError.field("journeyId", "Name the journey to update");
  return previewTemplateUpdate(ctx, id, journeyId);
});
/** { journeyId }: publishes that live journey again (a new version, audited), now sending this template's newest version. */
export const POST = workspaceRoute<Params>("content:write", async (ctx, request, { id }) =>
  updateJourneyToTemplate(ctx, id, (await readBody(request, ZUpdateJourney)).journeyId),
);
