import { ZProfileSearchQuery } from "@/lib/api/queries";
import { withWorkspace } from "@/lib/http/handler";
import { previewTemplate } from "@/lib/messaging/templates/preview-template";
import { ZPreviewTemplate } from "@/lib/messaging/templates/schemas";
import { searchProfiles } from "@/lib/profiles/profiles";

/** Profiles to preview for (?q= searches ids, emails and trait values). */
export const GET = withWorkspace(
  { permission: "workspace:read", auth: "session", query: ZProfileSearchQuery },
  async (ctx, { query }) => ({ profiles: await searchProfiles(ctx, { q: query.q, limit: 10 }) }),
);
/** Renders { channel, content, profileId? } without storing anything. */
export const POST = withWorkspace(
  { permission: "workspace:read", auth: "session", body: ZPreviewTemplate },
  (ctx, { body }) => previewTemplate(ctx, body),
);
