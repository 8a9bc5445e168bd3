import { journeysApi } from "@/lib/api/operations";
import { enrollThroughApi } from "@/lib/engine/api-enroll";
import { json, readJson, withWorkspace } from "@/lib/http/handler";

/** Enrolls a person in an API-triggered journey: 201 when enrolled, 200 (with the reason) when not. */
export const POST = withWorkspace(journeysApi.enroll, async (ctx, { request, params }) => {
  const result = await enrollThroughApi(ctx, params.id, await readJson(request));
  return json(result, { status: result.enrolled ? 201 : 200 });
});
