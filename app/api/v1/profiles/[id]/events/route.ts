import { apiKeyRoute } from "@/lib/http/handler";
import { getProfile, listProfileEvents } from "@/lib/profiles/profiles";

/** A profile's events, newest first: ?limit= (1–500, default 50) and ?before=<event id> to page. */
export const GET = apiKeyRoute<{ id: string }>("workspace:read", async (ctx, request, { id }) => {
  const profile = await getProfile(ctx, decodeURIComponent(id));
  const params = new URL(request.url).searchParams;
  return listProfileEvents(ctx, profile.id, {
    limit: params.get("limit") ?? undefined,
    before: params.get("before") ?? undefined,
  });
});
