import { profilesApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { predictionsOfProfile } from "@/lib/predictions/store/profile-predictions";
import { getProfile } from "@/lib/profiles/profiles";

/**
 * A profile by userId, anonymousId or Cairn's profile id (full key), with its current prediction scores by key
 * (`predictions.<key>`: score, tier, probability, scoredAt, reasons), as Liquid and conditions see them.
 */
export const GET = withWorkspace(profilesApi.get, async (ctx, { params }) => {
  const profile = await getProfile(ctx, decodeURIComponent(params.id));
  return { ...profile, predictions: await predictionsOfProfile(ctx.workspace.id, profile.id) };
});
