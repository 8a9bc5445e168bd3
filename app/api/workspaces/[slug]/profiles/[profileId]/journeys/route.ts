import { profileJourneys } from "@/lib/engine/read-model";
import { workspaceRoute } from "@/lib/http/handler";

/** The journeys a person is in or went through, newest first, with the path they took. */
export const GET = workspaceRoute<{ slug: string; profileId: string }>(
  "workspace:read",
  async (ctx, _request, { profileId }) => ({
    enrollments: await profileJourneys(ctx, profileId),
  }),
);
