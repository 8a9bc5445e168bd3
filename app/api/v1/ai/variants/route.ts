import { createVariants } from "@/lib/ai/variants";
import { aiApi } from "@/lib/api/operations-ai";
import { withWorkspace } from "@/lib/http/handler";

export const POST = withWorkspace(aiApi.variants, async (ctx, { body }) =>
  Response.json(await createVariants(ctx, body), { status: 201 }),
);
