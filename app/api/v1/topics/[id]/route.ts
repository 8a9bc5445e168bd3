import { topicsApi } from "@/lib/api/operations-topics";
import { withWorkspace } from "@/lib/http/handler";
import { updateTopic } from "@/lib/topics/manage-topics";

/** Also served at /api/workspaces/[slug]/topics/[id] for members' sessions. */
export const PATCH = withWorkspace(topicsApi.update, (ctx, { params, body }) => updateTopic(ctx, params.id, body));
