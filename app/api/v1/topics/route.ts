import { topicsApi } from "@/lib/api/operations-topics";
import { withWorkspace } from "@/lib/http/handler";
import { createTopic, listTopics } from "@/lib/topics/manage-topics";

/** Also served at /api/workspaces/[slug]/topics for members' sessions. */
export const GET = withWorkspace(topicsApi.list, (ctx) => listTopics(ctx));
export const POST = withWorkspace(topicsApi.create, async (ctx, { body }) =>
  Response.json(await createTopic(ctx, body), { status: 201 }),
);
