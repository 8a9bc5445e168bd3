import { readBody, workspaceRoute } from "@/lib/http/handler";
import { previewTemplate, ZPreviewTemplate } from "@/lib/messaging/templates";
import { searchProfiles } from "@/lib/profiles/profiles";

/** Profiles to preview for (?q= searches ids, emails and trait values). */
export const GET = workspaceRoute("workspace:read", async (ctx, request) => {
  const q = new URL(request.url).searchParams.get("q") ?? undefined;
  return { profiles: await searchProfiles(ctx, { q, limit: 10 }) };
});
/** Renders { channel, content, profileId? } without storing anything. */
export const POST = workspaceRoute("workspace:read", async (ctx, request) =>
  previewTemplate(ctx, await readBody(request, ZPreviewTemplate)),
);
