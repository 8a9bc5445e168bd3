import { rewriteField } from "@/lib/ai/drafts";
import { aiApi } from "@/lib/api/operations-ai";
import { withWorkspace } from "@/lib/http/handler";

export const POST = withWorkspace(aiApi.rewrite, (ctx, { body }) => rewriteField(ctx, body));
