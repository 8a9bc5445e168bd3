import { profilesApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { getProfile, listProfileEvents } from "@/lib/profiles/profiles";

/** A profile's events, newest first: ?limit= (1–500, default 50) and ?before=<event id> to page. */
export const GET = withWorkspace(profilesApi.events, async (ctx, { params, query }) => {
  const profile = await getProfile(ctx, decodeURIComponent(params.id));
  return listProfileEvents(ctx, profile.id, query);
});
