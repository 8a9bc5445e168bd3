import { profilesApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { getProfile } from "@/lib/profiles/profiles";

/** A profile by userId, anonymousId or Cairn's profile id (full key). */
export const GET = withWorkspace(profilesApi.get, (ctx, { params }) => getProfile(ctx, decodeURIComponent(params.id)));
