import { apiKeyRoute } from "@/lib/http/handler";
import { getProfile } from "@/lib/profiles/profiles";

/** A profile by userId, anonymousId or Cairn's profile id (full key). */
export const GET = apiKeyRoute<{ id: string }>("workspace:read", async (ctx, _request, { id }) =>
  getProfile(ctx, decodeURIComponent(id)),
);
