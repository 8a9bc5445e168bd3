import { workspaceRoute } from "@/lib/http/handler";
import { journeyDraftWarnings } from "@/lib/journeys/checks";

/** The publish dialog's warnings for the saved draft (problems, which block publishing, come with the preview). */
export const GET = workspaceRoute<{ slug: string; id: string }>("workspace:read", (ctx, _request, { id }) =>
  journeyDraftWarnings(ctx, id),
);
