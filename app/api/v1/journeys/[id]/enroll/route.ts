import { enrollThroughApi } from "@/lib/engine/api-enroll";
import { apiKeyRoute, json, readJson } from "@/lib/http/handler";

export const POST = apiKeyRoute<{ id: string }>("content:write", async (ctx, request, { id }) => {
  const result = await enrollThroughApi(ctx, id, await readJson(request));
  return json(result, { status: result.enrolled ? 201 : 200 });
});
