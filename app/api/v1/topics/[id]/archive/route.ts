import { topicsApi } from "@/lib/api/operations-topics";
import { withWorkspace } from "@/lib/http/handler";
import { archiveTopic } from "@/lib/topics/manage-topics";

/** Also served at /api/workspaces/[slug]/topics/[id]/archive for members' sessions. */
export const POST = withWorkspace(topicsApi.archive, (ctx, { params }) => archiveTopic(ctx, params.id));
